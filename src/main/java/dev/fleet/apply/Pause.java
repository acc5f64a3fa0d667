package dev.fleet.apply;

import java.time.Duration;

/** Lets time pass between two polls. The only place an apply waits; tests pass one that moves a clock. */
@FunctionalInterface
public interface Pause {

    void pause(Duration duration) throws InterruptedException;

    Pause SLEEP = duration -> Thread.sleep(duration);
}
