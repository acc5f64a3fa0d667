package dev.fleet.dns;

import java.util.List;

/**
 * Asks whether a droplet serves, as its clients would reach it: at its public addresses.
 * Implementations live at the edge; they never throw (a droplet that cannot be asked failed).
 */
@FunctionalInterface
public interface HealthCheck {

    /** What one droplet's check found. */
    record Result(boolean passed, String detail) {}

    /** Checks {@code droplet} at each of its {@code addresses}; it passes when every one answers as healthy. */
    Result check(String droplet, List<String> addresses);
}
