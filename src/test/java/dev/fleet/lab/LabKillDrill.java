package dev.fleet.lab;

import java.nio.file.Path;

/**
 * A JVM that starts a lab and waits to be killed: {@link LabTeardownIT} kills it with SIGKILL, so
 * that no shutdown hook runs, and watches its reaper remove the lab.
 */
public final class LabKillDrill {

    private LabKillDrill() {}

    /** Arguments: the lab's name and directory. Prints "up" once the lab is. */
    public static void main(String[] args) throws InterruptedException {
        Lab.up(args[0], Path.of(args[1]), 1);
        System.out.println("up");
        System.out.flush();
        Thread.sleep(600_000); // bounded: a drill nobody kills ends by itself, and its reaper acts then
    }
}
