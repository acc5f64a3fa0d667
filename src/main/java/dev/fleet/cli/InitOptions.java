package dev.fleet.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code fleet init}'s flags; a terminal asks for the first three when they are left out. */
final class InitOptions {

    @Option(names = "--droplet", paramLabel = "NAME=HOST[:PORT]", description = "A droplet, in rollout order;"
            + " repeat for each (at least one). IPv6: NAME=[ADDRESS]:PORT.")
    List<String> droplets = new ArrayList<>();

    @Option(names = "--image", paramLabel = "IMAGE", description = "The image: REPOSITORY@sha256:<64 hex>, or"
            + " REPOSITORY:TAG, resolved to the digest it names now through the registry's HTTP API (as fleet"
            + " set-image does).")
    String image;

    @Option(names = "--balancer", paramLabel = "KIND", description = "haproxy, health-check or none (blue-green"
            + " behind nginx on each droplet).")
    String balancer;

    @Option(names = "--service", paramLabel = "NAME", description = "The container's name (default: the image's"
            + " repository name).")
    String service;

    @Option(names = "--user", defaultValue = "deploy", description = "The SSH user on the droplets (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--identity-file", paramLabel = "FILE", description = "The private key fleet logs in with, such"
            + " as ~/.ssh/fleet_ed25519 (default: none, the keys of the ssh-agent at SSH_AUTH_SOCK).")
    String identityFile;

    @Option(names = "--haproxy-socket", paramLabel = "PATH", defaultValue = "/run/haproxy/admin.sock",
            description = "With --balancer haproxy: HAProxy's runtime API socket on this machine (default:"
                    + " ${DEFAULT-VALUE}).")
    String haproxySocket;

    @Option(names = "--haproxy-backend", paramLabel = "NAME", defaultValue = "droplets",
            description = "With --balancer haproxy: the backend whose servers are the droplets (default:"
                    + " ${DEFAULT-VALUE}).")
    String haproxyBackend;

    @Option(names = "--registry-username", paramLabel = "USER", description = "A private registry's user: the"
            + " state gets a registry section for the image's registry, its password read from"
            + " $FLEET_SECRET_REGISTRY_PASSWORD when fleet runs (and now, to resolve a tag).")
    String registryUsername;

    @Option(names = "--dir", defaultValue = "fleet-state", description = "The folder to write (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--accept-host-keys", description = "Write the host keys the droplets show now, without asking."
            + " This trusts the network at this moment: whoever can intercept it now is trusted from now on."
            + " Check the printed fingerprints out of band (the droplets' consoles).")
    boolean acceptHostKeys;

    @Option(names = "--force", description = "Replace an existing fleet.yaml and known_hosts.")
    boolean force;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long each droplet's sshd may take to answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;
}
