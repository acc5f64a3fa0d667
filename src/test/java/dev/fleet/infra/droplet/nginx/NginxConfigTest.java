package dev.fleet.infra.droplet.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ProxySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NginxConfigTest {

    private static final ProxySpec PROXY = new ProxySpec(80, "/etc/nginx/conf.d/fleet-demo.conf", "fleet_demo", 8099,
            "sudo -n nginx -t", "sudo -n nginx -s reload", Duration.ofSeconds(30));

    @Test
    void theUpstreamHoldsOnlyTheLiveColoursLoopbackAddress() {
        String config = NginxConfig.render(PROXY, "demo", "demo-green", 49154);

        assertThat(config).contains("upstream fleet_demo {\n    server 127.0.0.1:49154;\n}")
                .containsOnlyOnce("server 127.0.0.1:");
    }

    @Test
    void theCheckServerListensOnLoopbackOnlyAndNamesTheUpstreamItUsed() {
        String config = NginxConfig.render(PROXY, "demo", "demo-green", 49154);

        assertThat(config).contains("listen 127.0.0.1:8099;").doesNotContain("listen 8099")
                .contains("proxy_pass http://fleet_demo;")
                .contains("add_header X-Fleet-Upstream $upstream_addr always;");
    }

    @Test
    void theSameSwitchWritesTheSameFile() {
        assertThat(NginxConfig.render(PROXY, "demo", "demo-blue", 32768))
                .isEqualTo(NginxConfig.render(PROXY, "demo", "demo-blue", 32768))
                .isNotEqualTo(NginxConfig.render(PROXY, "demo", "demo-blue", 32769));
    }
}
