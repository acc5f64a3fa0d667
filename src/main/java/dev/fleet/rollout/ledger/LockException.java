package dev.fleet.rollout.ledger;

/** The lease or the history could not be read or written (the lock droplet did not answer, say). */
public class LockException extends Exception {

    public LockException(String message, Throwable cause) {
        super(message, cause);
    }
}
