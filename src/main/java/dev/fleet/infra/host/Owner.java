package dev.fleet.infra.host;

import java.net.InetAddress;

/** Who runs fleet, for the lock and the history: the CI actor when there is one, else user@host. */
public final class Owner {

    private Owner() {}

    public static String describe() {
        String actor = System.getenv("FLEET_ACTOR");
        if (actor == null || actor.isBlank()) {
            String github = System.getenv("GITHUB_ACTOR");
            actor = github == null || github.isBlank() ? null : "github:" + github;
        }
        if (actor != null && !actor.isBlank()) {
            return actor;
        }
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return user + "@" + host;
    }
}
