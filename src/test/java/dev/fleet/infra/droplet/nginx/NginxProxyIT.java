package dev.fleet.infra.droplet.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ProxySpec;
import dev.fleet.infra.ssh.LabTargets;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Switching a real droplet's nginx: what a blue-green rollout does to it, at the edge. A switch
 * that overlaps another one on the same droplet (a retry after a timed-out attempt that still runs
 * there) waits for it; the file nginx reads is replaced whole.
 */
class NginxProxyIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.blueGreen(1);

    private static final String LOG = "/tmp/fleet-switch-log";

    @Test
    void aSwitchStartedWhileAnotherRunsOnTheDropletWaitsForItInsteadOfInterleaving() throws Exception {
        LabDroplet droplet = lab().droplets().getFirst();
        lab().onDroplet(droplet, "rm", "-f", LOG);
        // A test command slow enough that two unlocked switches would overlap: each one logs its
        // start and end in a file of the droplet's.
        ProxySpec proxy = proxy("echo start >> " + LOG + "; sleep 1; sudo -n nginx -t; s=$?; echo end >> " + LOG
                + "; exit $s");
        SshConnector connector = new SshConnector();
        try (SshConnection first = connector.connect(LabTargets.droplet(lab(), droplet), LabTargets.ssh(lab()));
                SshConnection second = connector.connect(LabTargets.droplet(lab(), droplet), LabTargets.ssh(lab()))) {
            CompletableFuture<Void> firstSwitch = CompletableFuture.runAsync(() -> switchTo(first, proxy, 18081));
            Thread.sleep(300);
            switchTo(second, proxy, 18082);
            firstSwitch.get(30, TimeUnit.SECONDS);
        }

        List<String> log = lab().onDroplet(droplet, "cat", LOG).output().lines().toList();
        assertThat(log).containsExactly("start", "end", "start", "end");
        String file = lab().onDroplet(droplet, "cat", proxy.configFile()).output();
        assertThat(file).contains("server 127.0.0.1:18082;").doesNotContain("18081");
    }

    @Test
    void theNewFileReplacesTheOldOneWholeAndLeavesNothingBesideIt() throws Exception {
        LabDroplet droplet = lab().droplets().getFirst();
        ProxySpec proxy = proxy("sudo -n nginx -t");
        try (SshConnection ssh = new SshConnector().connect(LabTargets.droplet(lab(), droplet), LabTargets.ssh(lab()))) {
            switchTo(ssh, proxy, 18083);
        }

        String expected = NginxConfig.render(proxy, service(), service() + "-blue", 18083);
        assertThat(lab().onDroplet(droplet, "cat", proxy.configFile()).output().strip()).isEqualTo(expected.strip());
        String folder = proxy.configFile().substring(0, proxy.configFile().lastIndexOf('/'));
        assertThat(lab().onDroplet(droplet, "ls", "-a", folder).output()).doesNotContain("fleet-next");
        assertThat(lab().onDroplet(droplet, "sh", "-c", "ls -a /home/*/.fleet/" + service()).output())
                .doesNotContain("nginx.next", "nginx.prev");
    }

    private static void switchTo(SshConnection ssh, ProxySpec proxy, int port) {
        try {
            new NginxProxy(ssh, proxy).switchTo(service(), service() + "-blue", port);
        } catch (Exception e) {
            throw new AssertionError("the switch to port " + port + " failed", e);
        }
    }

    private static ProxySpec proxy(String testCommand) {
        return new ProxySpec(Integer.parseInt(lab().env("LAB_APP_PORT")), "/etc/nginx/conf.d/fleet-" + service()
                + ".conf", "fleet_" + service(), 8099, testCommand, "sudo -n nginx -s reload", Duration.ofSeconds(10));
    }

    private static String service() {
        return lab().env("LAB_APP_CONTAINER");
    }

    private static Lab lab() {
        return lab.get();
    }
}
