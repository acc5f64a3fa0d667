package dev.fleet.apply;

import java.util.Optional;

/** How one request of the probe failed. */
public enum ProbeFailure {
    /** The server answered 500 to 599: the balancer with no server left, or the app failing. */
    STATUS_5XX("status_5xx"),
    /** Any other answer but 2xx and 3xx. */
    STATUS_OTHER("status_other"),
    /** No answer within the probe's timeout. */
    TIMEOUT("timeout"),
    /** The connection was refused: nothing listens there. */
    REFUSED("refused"),
    /** The connection failed otherwise: reset, closed mid-answer, name not found. */
    CONNECTION("connection");

    private final String word;

    ProbeFailure(String word) {
        this.word = word;
    }

    /** The kind as reports and JSON name it. */
    public String word() {
        return word;
    }

    /** The kind of a failed answer with {@code status}, or none for a 2xx or 3xx. */
    public static Optional<ProbeFailure> ofStatus(int status) {
        if (status >= 200 && status < 400) {
            return Optional.empty();
        }
        return Optional.of(status >= 500 && status < 600 ? STATUS_5XX : STATUS_OTHER);
    }
}
