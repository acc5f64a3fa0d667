package dev.fleet.cli;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.Durations;
import dev.fleet.plan.PlanOptions;
import dev.fleet.report.ApplyJson;
import dev.fleet.report.ApplyJsonLines;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.RolloutListener;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.RolloutEvents;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Converging a state as {@code fleet apply} does, telling a webhook how the rollout goes: apply and rollback --apply. */
final class Applying {

    /** How long a finished apply waits for the webhook to take its last events: one post's timeout. */
    static final Duration WEBHOOK_WAIT = Duration.ofSeconds(5);

    private Applying() {}

    /** Converges {@code state}, prints the outcome and returns the exit code; never waits on the webhook before the end. */
    static int converge(Convergence convergence, Notifier notifier, Clock clock, DesiredState state,
            Convergence.Confirmation confirmation, PlanOptions options, ApplyOutput output, PrintWriter out,
            PrintWriter err) throws InterruptedException {
        RolloutEvents events = new RolloutEvents(notifier, clock);
        Instant started = clock.instant();
        ApplyJsonLines lines = new ApplyJsonLines(out, clock);
        RolloutListener shown = switch (output) {
            case TEXT -> new ApplyPrinter(out, err);
            case JSON -> new ApplyPrinter(err, err);
            case JSON_LINES -> lines;
        };
        ConvergeResult result = convergence.converge(state, confirmation, events.around(shown, state), options);
        if (result instanceof ConvergeResult.Applied applied) {
            events.ended(state, applied.result(), Duration.between(started, clock.instant()));
        }
        int code = switch (output) {
            case TEXT -> Outcomes.print(result, out, err);
            case JSON -> {
                int exit = Outcomes.print(result, err, err);
                out.print(ApplyJson.render(result, state, exit));
                out.flush();
                yield exit;
            }
            case JSON_LINES -> {
                int exit = Outcomes.print(result, err, err);
                lines.result(ApplyJson.line(result, state, exit));
                yield exit;
            }
        };
        if (!notifier.drain(WEBHOOK_WAIT)) {
            err.println("fleet: the webhook did not take every event within " + Durations.setting(WEBHOOK_WAIT)
                    + "; the rest are dropped (the log names the receiver's answers)");
            err.flush();
        }
        return code;
    }
}
