package dev.fleet.desired;

import java.net.URI;

/**
 * A cloud whose load balancer fleet drains droplets through, by its API ({@link BalancerSpec.Cloud}).
 * A second cloud is a constant here, its API at the edge, and its case where the balancer is made.
 */
public enum CloudProvider {
    DIGITALOCEAN("digitalocean", "DigitalOcean", URI.create("https://api.digitalocean.com"),
            "a UUID such as 4de7ac8b-495b-4884-9a69-1050c6793cd6 (doctl compute load-balancer list)",
            "a whole number such as 3164444 (doctl compute droplet list, or the number in the droplet's page URL)");

    private final String word;
    private final String title;
    private final URI defaultApi;
    private final String balancerIdHint;
    private final String dropletIdHint;

    CloudProvider(String word, String title, URI defaultApi, String balancerIdHint, String dropletIdHint) {
        this.word = word;
        this.title = title;
        this.defaultApi = defaultApi;
        this.balancerIdHint = balancerIdHint;
        this.dropletIdHint = dropletIdHint;
    }

    /** The balancer kind in the state: {@code digitalocean}. */
    public String word() {
        return word;
    }

    /** The cloud's name in messages: {@code DigitalOcean}. */
    public String title() {
        return title;
    }

    /** Its API, unless fleet's environment names another ({@link #apiVariable()}). */
    public URI defaultApi() {
        return defaultApi;
    }

    /** What a balancer's id looks like in this cloud and where to find it, for the loader's hints. */
    public String balancerIdHint() {
        return balancerIdHint;
    }

    /** What a droplet's id looks like and where to find it. */
    public String dropletIdHint() {
        return dropletIdHint;
    }

    /** The key of a droplet in the state that holds its id in this cloud: {@code digitalocean-id}. */
    public String dropletKey() {
        return word + "-id";
    }

    /** The variable of fleet's environment that names another API (a test double, an egress proxy). */
    public String apiVariable() {
        return "FLEET_" + name() + "_API";
    }
}
