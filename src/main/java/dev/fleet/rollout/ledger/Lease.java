package dev.fleet.rollout.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * Who holds the right to change a fleet, and until when. Times are the lock droplet's clock, so that
 * runners with skewed clocks still agree on expiry.
 *
 * @param run     the apply's run id
 * @param owner   who started it ({@code user@host}, or the CI actor)
 * @param commit  the state's commit it applies
 * @param since   when it was taken
 * @param expires when it lapses unless renewed: a crashed holder's lease ends by itself
 * @param process the holder's process, named so that a fleet on the same machine can tell it is gone
 *                (see the CLI's {@code LocalProcess}); empty when it could not be named
 */
public record Lease(String run, String owner, String commit, Instant since, Instant expires,
        Optional<String> process) {

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expires);
    }
}
