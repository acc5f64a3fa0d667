package dev.fleet.lab;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives the tests of a class a running lab and removes it afterwards: after the class, at the JVM's
 * exit (a shutdown hook) and, when the JVM is killed outright, by its reaper ({@link LabOwner}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LabExtension lab = LabExtension.withDroplets(3);
 * ...
 * lab.get().balancerUri("/")
 * }</pre>
 *
 * <p>Each lab gets a name and a directory of its own under {@code target/lab-it/}, so it never
 * touches the lab a developer runs by hand ({@code target/lab}), nor another test class's lab.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private enum Kind { DRAIN_AND_SWAP, SERVICES, BLUE_GREEN, BARE }

    private final int dropletCount;
    private final Kind kind;
    private Lab lab;
    private Thread shutdownHook;

    private LabExtension(int dropletCount, Kind kind) {
        this.dropletCount = dropletCount;
        this.kind = kind;
    }

    public static LabExtension withDroplets(int dropletCount) {
        return new LabExtension(dropletCount, Kind.DRAIN_AND_SWAP);
    }

    /** A lab whose state is a fleet of services: web, a worker, an accessory ({@link Lab#upServices}). */
    public static LabExtension withServices(int dropletCount) {
        return new LabExtension(dropletCount, Kind.SERVICES);
    }

    /** A blue-green lab: nginx on each droplet, no balancer ({@link Lab#upBlueGreen}). */
    public static LabExtension blueGreen(int dropletCount) {
        return new LabExtension(dropletCount, Kind.BLUE_GREEN);
    }

    /** A bare lab: new servers with root's key only, to bootstrap ({@link Lab#upBare}). */
    public static LabExtension bare(int dropletCount) {
        return new LabExtension(dropletCount, Kind.BARE);
    }

    /** The running lab; only valid between the class's first and last test. */
    public Lab get() {
        if (lab == null) {
            throw new IllegalStateException("the lab is not up; register LabExtension as a static field");
        }
        return lab;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String name = "fleet-it-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path dir = Path.of("target", "lab-it", name).toAbsolutePath();
        shutdownHook = new Thread(() -> Lab.down(name, dir), "lab-down-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        lab = switch (kind) {
            case DRAIN_AND_SWAP -> Lab.up(name, dir, dropletCount);
            case SERVICES -> Lab.upServices(name, dir, dropletCount);
            case BLUE_GREEN -> Lab.upBlueGreen(name, dir, dropletCount);
            case BARE -> Lab.upBare(name, dir, dropletCount);
        };
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (lab != null) {
                lab.down();
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
            lab = null;
        }
    }
}
