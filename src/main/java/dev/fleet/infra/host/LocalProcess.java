package dev.fleet.infra.host;

import dev.fleet.rollout.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Names this process so that another fleet on the same machine can tell, for sure, whether it is
 * still alive: {@code BOOT.PIDNS.PID.STARTED} (the kernel's boot id, the pid namespace's inode,
 * the pid, and its start time in milliseconds). The boot id and namespace say whether a pid can be
 * looked up here at all (a container on the same host has pids of its own); the start time tells a
 * pid reused by another process after a crash.
 *
 * <p>Used for the lease: a lease whose holder ran on this machine and is gone is taken over at
 * once, instead of blocking every apply until it lapses. Anything unreadable gives no identity, and
 * such a lease is only ever taken over once it lapses.
 */
public final class LocalProcess implements Processes {

    public static final LocalProcess INSTANCE = new LocalProcess();

    private LocalProcess() {}

    /** This process's identity, when the machine lets it be known. */
    @Override
    public Optional<String> identity() {
        ProcessHandle self = ProcessHandle.current();
        return namespace().flatMap(ns -> self.info().startInstant()
                .map(started -> ns + "." + self.pid() + "." + started.toEpochMilli()));
    }

    /**
     * Whether {@code identity} names a process of this machine's pid namespace that no longer runs.
     * False whenever that cannot be known for sure (another machine, another container, a malformed name).
     */
    @Override
    public boolean isGone(String identity) {
        String[] parts = identity.split("\\.");
        Optional<String> ns = namespace();
        if (parts.length != 4 || ns.isEmpty() || !ns.get().equals(parts[0] + "." + parts[1])) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[2]);
            started = Long.parseLong(parts[3]);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        // The same pid, started at another time: a new process that reused it.
        Optional<Instant> startedAt = process.get().info().startInstant();
        return startedAt.isPresent() && Math.abs(startedAt.get().toEpochMilli() - started) > 1000;
    }

    /** {@code BOOT.PIDNS}: which pids this process can see. */
    private static Optional<String> namespace() {
        try {
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip().replace("-", "");
            String pidNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString()
                    .replaceAll("[^0-9]", "");
            if (boot.isEmpty() || pidNamespace.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(boot + "." + pidNamespace);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
