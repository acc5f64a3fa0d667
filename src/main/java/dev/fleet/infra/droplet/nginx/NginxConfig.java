package dev.fleet.infra.droplet.nginx;

import dev.fleet.desired.ProxySpec;

/**
 * The nginx configuration fleet owns on a blue-green droplet. Pure: the same inputs give the same
 * text, so a switch can be checked in a unit test and read on the droplet.
 *
 * <p>Two parts. The {@code upstream} block, which the droplet's own site proxies to, holds the one
 * address of the live colour: with a single server nginx never marks it failed, so no request is
 * turned away by a past error. The check server listens on loopback only and passes requests to
 * the same upstream, answering with the address it used in {@code X-Fleet-Upstream}: that is how
 * fleet learns where nginx really sends traffic, whatever the file on disk says.
 */
final class NginxConfig {

    /** The header fleet's check server answers with: the upstream address nginx used. */
    static final String UPSTREAM_HEADER = "x-fleet-upstream";

    private NginxConfig() {}

    static String render(ProxySpec proxy, String service, String container, int port) {
        return """
                # Written by fleet for the service %1$s; rewritten at every blue-green switch, so edits here do not last.
                # Live: %2$s on 127.0.0.1:%3$d. The droplet's site proxies to the upstream %4$s.
                upstream %4$s {
                    server 127.0.0.1:%3$d;
                }

                # fleet's check server (loopback only): answers through the same upstream and names the address used.
                server {
                    listen 127.0.0.1:%5$d;
                    access_log off;
                    location / {
                        proxy_pass http://%4$s;
                        add_header X-Fleet-Upstream $upstream_addr always;
                    }
                }
                """.formatted(service, container, port, proxy.upstream(), proxy.checkPort());
    }
}
