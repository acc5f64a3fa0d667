package dev.fleet.streams;

/** Where logs go, from every droplet's thread at once: implementations are thread-safe. */
public interface LogSink {

    /** One whole line of a container's output (its newline removed). */
    void line(String droplet, boolean stderr, String text);

    /** What happened to a droplet's stream, said once, such as {@code container replaced, following the new one}. */
    void note(String droplet, String message);
}
