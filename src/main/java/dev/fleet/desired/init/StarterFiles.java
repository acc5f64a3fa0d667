package dev.fleet.desired.init;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The text of the files {@code fleet init} writes: a first {@code fleet.yaml}, short, with comments
 * that point to {@code fleet-state/example.yaml} for everything else, and its {@code known_hosts}.
 * Pure: writing them is {@link StarterWriter}'s.
 */
public final class StarterFiles {

    /** The name of the state file fleet's commands read by default, in its folder. */
    public static final String STATE = "fleet.yaml";
    /** The name of the known_hosts file the state names, beside it. */
    public static final String KNOWN_HOSTS = "known_hosts";

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./~][A-Za-z0-9_./~-]*");

    private StarterFiles() {}

    /** The state file for {@code state}; it loads as it is (but for the key and known_hosts it names). */
    public static String fleetYaml(StarterState state) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("""
                # The desired state of this fleet, started by fleet init. Every key, and all the ones left
                # out here at their defaults, is documented in fleet-state/example.yaml in fleet's
                # repository. Check a change with fleet validate; deploy by committing a new digest.

                service:
                  name: %s
                  # By digest only (a tag names whatever was pushed last); change it with fleet set-image.
                  image: %s
                """.formatted(scalar(state.service()), scalar(state.image())));
        if (state.balancer() != StarterState.Balancer.NONE) {
            yaml.append("""
                      # The balancer reaches the app here; health checks and the drain request use port 80 too.
                      ports:
                        - "80:80"
                    """);
        }
        yaml.append("\n# In rollout order: fleet converges them one at a time, first to last.\ndroplets:\n");
        for (DropletAddress droplet : state.droplets()) {
            yaml.append("  - name: ").append(droplet.name()).append('\n');
            yaml.append("    host: ").append(scalar(droplet.host())).append('\n');
            if (droplet.port() != DropletAddress.SSH_PORT) {
                yaml.append("    port: ").append(droplet.port()).append('\n');
            }
        }
        yaml.append("\nssh:\n  user: ").append(scalar(state.user())).append('\n');
        yaml.append(state.identityFile().map(file -> "  # Only its owner may read it (chmod 600); keep it out of"
                + " git.\n  identity-file: " + scalar(file) + "\n").orElse("  # No identity-file: fleet logs in"
                + " with the keys of the ssh-agent at SSH_AUTH_SOCK.\n"));
        yaml.append("""
                  # The host keys fleet init collected, checked on every connection. Keep it in git.
                  known-hosts: known_hosts
                """);
        yaml.append(balancer(state.balancer(), state.haproxy()));
        state.registry().ifPresent(registry -> yaml.append("""

                # The droplets pull the image with this login. The password is never written here: fleet reads
                # it from its environment when it runs (a CI secret, or export it before fleet apply).
                registry:
                  server: %s
                  username: %s
                  password-from-env: %s
                """.formatted(scalar(registry.server()), scalar(registry.username()),
                StarterState.RegistryUser.PASSWORD_VARIABLE)));
        return yaml.toString();
    }

    private static String balancer(StarterState.Balancer balancer, StarterState.HaproxyApi haproxy) {
        return switch (balancer) {
            case HAPROXY -> """

                    balancer:
                      kind: haproxy
                      # HAProxy's runtime API (stats socket ... level admin), on the machine that runs fleet.
                      socket: %s
                      # The backend whose servers are the droplets, by droplet name.
                      backend: %s
                    """.formatted(scalar(haproxy.socket()), scalar(haproxy.backend()));
            case HEALTH_CHECK -> """

                    balancer:
                      kind: health-check
                      # Your balancer's health check timing: fleet cannot ask it, so it waits these out.
                      interval: 10s
                      unhealthy-threshold: 3
                      healthy-threshold: 5
                    """;
            case NONE -> """

                    balancer:
                      kind: none

                    # Without a balancer, each droplet's nginx switches between two containers.
                    rollout:
                      strategy: blue-green

                    proxy:
                      kind: nginx
                      app-port: 80                 # the app's port inside its container
                    """;
        };
    }

    /** The known_hosts file: each droplet's keys, in the order given, one OpenSSH line per key. */
    public static String knownHosts(Map<DropletAddress, List<HostKey>> keys) {
        StringBuilder text = new StringBuilder("# The droplets' host keys, collected by fleet init. fleet refuses any"
                + " other key.\n");
        keys.forEach((droplet, hostKeys) -> hostKeys.forEach(key -> text.append(key.knownHostsLine(droplet))
                .append('\n')));
        return text.toString();
    }

    /** {@code text} as a YAML scalar: plain when that is safe, else double-quoted. */
    static String scalar(String text) {
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
