package dev.fleet.desired;

import java.time.Duration;

/**
 * The proxy on each droplet that a {@code blue-green} rollout points at one colour of the service
 * or the other. Only nginx for now: fleet owns one configuration file, an {@code upstream} block
 * the droplet's site proxies to, and a check server on loopback that says which address nginx
 * really sends requests to.
 *
 * @param appPort       the app's TCP port inside its container; each colour publishes it on a free
 *                      port of the droplet's 127.0.0.1
 * @param configFile    the file fleet writes on the droplet (absolute), included in nginx's http block
 * @param upstream      the name of the upstream block in it, which the droplet's site proxies to
 * @param checkPort     the loopback port of fleet's check server in that file
 * @param testCommand   validates nginx's configuration (run before every reload)
 * @param reloadCommand makes nginx load it without dropping a connection
 * @param drainTimeout  how long nginx's old workers may keep serving requests they had before the
 *                      switch, before the old colour is stopped anyway
 */
public record ProxySpec(
        int appPort,
        String configFile,
        String upstream,
        int checkPort,
        String testCommand,
        String reloadCommand,
        Duration drainTimeout) {

    /** The name of the colour container ({@code blue} or {@code green}) of {@code service}. */
    public static String colour(String service, String colour) {
        return service + "-" + colour;
    }

    public static final String BLUE = "blue";
    public static final String GREEN = "green";
}
