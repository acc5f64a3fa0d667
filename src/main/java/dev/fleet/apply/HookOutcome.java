package dev.fleet.apply;

import dev.fleet.plan.PlannedHook;
import java.util.Optional;

/**
 * How a deploy hook went in an apply.
 *
 * @param hook      the hook
 * @param ran       how its run ended, when it ran in this apply
 * @param succeeded whether the apply may go on: it exited 0, or it had already succeeded for this image
 * @param detail    one line: its exit code and duration, or why it did not run; never a secret
 */
public record HookOutcome(PlannedHook hook, Optional<HookRun> ran, boolean succeeded, String detail) {

    /** The last lines of its output (secrets redacted), at most {@code limit} characters; empty when it did not run. */
    public String outputTail(int limit) {
        String output = ran.map(HookRun::outputTail).orElse("").strip();
        return output.length() <= limit ? output : "..." + output.substring(output.length() - limit);
    }

    /** One line for reports and the history: what ran, where, and how it ended. */
    public String line() {
        return hook.describe() + ": " + detail;
    }
}
