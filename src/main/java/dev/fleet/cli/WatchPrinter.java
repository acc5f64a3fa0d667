package dev.fleet.cli;

import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.RolloutListener;
import dev.fleet.rollout.watch.WatchListener;
import java.io.PrintWriter;

/** {@code fleet watch}'s log: its own lines, and each convergence as {@code fleet apply} prints it. */
final class WatchPrinter implements WatchListener {

    private final PrintWriter log;

    WatchPrinter(PrintWriter log) {
        this.log = log;
    }

    @Override
    public void note(String line) {
        log.println("fleet watch: " + line);
        log.flush();
    }

    @Override
    public RolloutListener rollout() {
        return new ApplyPrinter(log, log); // its times count from the start of each convergence
    }

    @Override
    public void converged(ConvergeResult result) {
        Outcomes.print(result, log, log);
    }
}
