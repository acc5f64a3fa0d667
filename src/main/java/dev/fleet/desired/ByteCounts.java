package dev.fleet.desired;

/** Sizes in words, for the limits fleet's messages state, so that every message writes them alike. */
public final class ByteCounts {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private ByteCounts() {}

    /** {@code 1 MiB}, {@code 4 KiB}, {@code 100 bytes}: a limit as a person reads it. */
    public static String text(long bytes) {
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        if (bytes >= KIB && bytes % KIB == 0) {
            return bytes / KIB + " KiB";
        }
        return bytes + " bytes";
    }
}
