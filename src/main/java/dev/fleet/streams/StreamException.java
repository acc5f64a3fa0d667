package dev.fleet.streams;

/**
 * An exec or logs that could not be done, and whether because the droplet could not be reached: the
 * streams' one root exception ({@link Targets.UnknownTarget} is the kind found before any connection).
 */
public class StreamException extends Exception {

    private final boolean unreachable;

    public StreamException(String message, boolean unreachable, Throwable cause) {
        super(message, cause);
        this.unreachable = unreachable;
    }

    /** Whether the droplet or its Docker engine could not be reached, rather than having no such container. */
    public boolean unreachable() {
        return unreachable;
    }
}
