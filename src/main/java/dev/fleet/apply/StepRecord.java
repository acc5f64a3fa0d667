package dev.fleet.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One performed step.
 *
 * @param droplet     the droplet
 * @param description the step in words
 * @param started     when it started
 * @param took        how long it took
 * @param failure     why it failed, if it did
 */
public record StepRecord(String droplet, String description, Instant started, Duration took, Optional<String> failure) {

    public boolean succeeded() {
        return failure.isEmpty();
    }
}
