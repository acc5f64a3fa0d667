package dev.fleet.desired.init;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code fleet init} writes a first state from: the few choices a new fleet must make; every
 * other key keeps its default (see {@code fleet-state/example.yaml}).
 *
 * @param service      the container's name
 * @param image        the image, by digest
 * @param droplets     in rollout order, at least one, names and host:port pairs unique
 * @param balancer     how fleet takes a droplet out of rotation
 * @param user         the SSH user on the droplets
 * @param identityFile the private key fleet logs in with, as the state writes it; empty: the keys of
 *                     the ssh-agent
 */
public record StarterState(String service, String image, List<DropletAddress> droplets, Balancer balancer,
        String user, Optional<String> identityFile, HaproxyApi haproxy, Optional<RegistryUser> registry) {

    /**
     * Where HAProxy's runtime API answers, for {@code balancer.kind: haproxy}.
     *
     * @param socket  its socket on the machine that runs fleet
     * @param backend the backend whose servers are the droplets, by droplet name
     */
    public record HaproxyApi(String socket, String backend) {
        public static final HaproxyApi DEFAULT = new HaproxyApi("/run/haproxy/admin.sock", "droplets");
    }

    /**
     * The login droplets pull the image with; its password comes from {@value #PASSWORD_VARIABLE}.
     *
     * @param server   the image's registry, {@code host[:port]}
     * @param username the registry's user name
     */
    public record RegistryUser(String server, String username) {
        public static final String PASSWORD_VARIABLE = "FLEET_SECRET_REGISTRY_PASSWORD";
    }

    /** A state with HAProxy's default runtime API and no registry login. */
    public StarterState(String service, String image, List<DropletAddress> droplets, Balancer balancer, String user,
            Optional<String> identityFile) {
        this(service, image, droplets, balancer, user, identityFile, HaproxyApi.DEFAULT, Optional.empty());
    }

    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern DIGEST_IMAGE = Pattern.compile("[a-z0-9][^@\\s\"\\\\]*@sha256:[0-9a-f]{64}");
    private static final Pattern USER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");

    /** The balancer kinds {@code fleet init} can start with; dns needs a section of its own, written by hand. */
    public enum Balancer {
        /** HAProxy, asked through its runtime API. */
        HAPROXY,
        /** Any balancer that health-checks the droplets itself; fleet waits out its thresholds. */
        HEALTH_CHECK,
        /** No balancer: blue-green behind nginx on each droplet. */
        NONE;

        /** As the state file spells it. */
        public String kind() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The kind {@code text} names.
         *
         * @throws IllegalArgumentException naming the kinds there are
         */
        public static Balancer of(String text) {
            for (Balancer balancer : values()) {
                if (balancer.kind().equals(text.strip())) {
                    return balancer;
                }
            }
            throw new IllegalArgumentException("balancer '" + text + "': expected haproxy, health-check or none"
                    + (text.strip().equals("dns") ? " (for dns, start with one of them and add the dns section by"
                            + " hand; see fleet-state/example.yaml)" : ""));
        }
    }

    public StarterState {
        droplets = List.copyOf(droplets);
        identityFile = identityFile.filter(file -> !file.isBlank());
        if (!SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service name '" + service + "': letters, digits, '_', '.' and '-',"
                    + " starting with a letter or digit, at most 63 characters");
        }
        checkImage(image);
        if (droplets.isEmpty()) {
            throw new IllegalArgumentException("no droplet: give at least one --droplet NAME=HOST[:PORT]");
        }
        if (droplets.stream().map(DropletAddress::name).distinct().count() < droplets.size()) {
            throw new IllegalArgumentException("two droplets have the same name: each needs its own");
        }
        if (droplets.stream().map(d -> d.host() + ":" + d.port()).distinct().count() < droplets.size()) {
            throw new IllegalArgumentException("two droplets have the same host and port: each needs its own");
        }
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("user '" + user + "': a login name, letters, digits, '_', '.' and"
                    + " '-', not starting with a digit or '-'");
        }
    }

    /**
     * @throws IllegalArgumentException unless {@code image} names an image by digest, saying how to find
     *     the digest of a tag
     */
    public static void checkImage(String image) {
        if (DIGEST_IMAGE.matcher(image).matches()) {
            return;
        }
        if (!image.contains("@")) {
            throw new IllegalArgumentException("image '" + image + "' is not pinned by digest: a tag names whatever"
                    + " was pushed last; find its digest with docker buildx imagetools inspect " + image
                    + " (the Digest: line) and give REPOSITORY@sha256:<64 hex>");
        }
        throw new IllegalArgumentException("image '" + image + "': expected [registry/]repository@sha256:<64"
                + " lowercase hex>, without a tag");
    }

    /** A service name from the image's repository ({@code registry.example.com/team/demo@...}: demo). */
    public static String serviceNameOf(String image) {
        String repository = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        String last = repository.substring(repository.lastIndexOf('/') + 1).replaceFirst(":.*", "");
        return SERVICE.matcher(last).matches() ? last : "app";
    }
}
