package dev.fleet.infra.droplet;

import com.github.dockerjava.api.exception.DockerException;
import dev.fleet.infra.ssh.DropletException;
import java.time.Duration;

/**
 * Tries a droplet call again when its connection failed under it (reset, refused while sshd
 * restarts, silent until the timeout), a few times, backing off: {@value #ATTEMPTS} attempts, 250
 * ms then 500 ms apart, so a lost call costs about a second more than its own timeouts. Only for
 * calls that are safe to repeat, or that look before they repeat (the caller's job). A refusal
 * that was an answer (the Docker engine said 404 or 409, a host key that does not match) is not a
 * failed connection, and is never tried again.
 */
public final class Retry {

    static final int ATTEMPTS = 3;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    /** A call on a (possibly new) connection. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws DropletException;
    }

    /** Told before each new attempt: the place to drop the broken connection. */
    @FunctionalInterface
    public interface BeforeRetry {
        void failed(DropletException e);
    }

    /** How the pause between attempts is spent (slept, in production). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Sleeper sleeper;

    Retry(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    public static Retry sleeping() {
        return new Retry(Thread::sleep);
    }

    public <T> T call(Call<T> call, BeforeRetry beforeRetry) throws DropletException {
        Duration pause = FIRST_PAUSE;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (DropletException e) {
                if (attempt >= ATTEMPTS || !connectionFailed(e)) {
                    throw e;
                }
                beforeRetry.failed(e);
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    /** Whether the connection failed (worth a new one), as opposed to an answer that said no. */
    static boolean connectionFailed(DropletException e) {
        if (!e.isTransient()) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DockerException) {
                return false; // the engine answered
            }
        }
        return true;
    }
}
