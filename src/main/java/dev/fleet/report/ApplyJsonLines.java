package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.drift.DriftReport;
import dev.fleet.plan.Plan;
import dev.fleet.plan.Step;
import dev.fleet.rollout.RolloutListener;
import dev.fleet.rollout.ledger.Lease;
import dev.fleet.rollout.ledger.LockException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * An apply's progress as JSON lines ({@value ApplyJson#EVENT_SCHEMA}), one object per line, flushed
 * as each happens, for a program that follows a rollout ({@code fleet apply -o json-lines}); the
 * result ({@value ApplyJson#SCHEMA}) is the last line. Lines from parallel droplets never interleave.
 */
public final class ApplyJsonLines implements RolloutListener {

    private final PrintWriter out;
    private final Clock clock;
    private final Instant started;

    public ApplyJsonLines(PrintWriter out, Clock clock) {
        this.out = out;
        this.clock = clock;
        this.started = clock.instant();
    }

    @Override
    public void planned(DesiredState state, Plan plan) {
        emit("planned", node -> {
            node.put("droplets", plan.droplets().size());
            node.put("estimateSeconds", plan.estimate().toSeconds());
            ArrayNode names = node.putArray("order");
            plan.droplets().forEach(droplet -> names.add(droplet.droplet()));
        });
    }

    @Override
    public void starting(DriftReport drift, Plan plan) {
        emit("started", node -> { });
    }

    @Override
    public void started(Step step, String description) {
        emit("step_started", node -> node.put("droplet", step.droplet()).put("step", description));
    }

    @Override
    public void finished(StepRecord record) {
        emit("step", node -> ApplyJson.step(node, record));
    }

    @Override
    public void note(String droplet, String text) {
        emit("note", node -> node.put("droplet", droplet).put("text", text));
    }

    @Override
    public void leaseTakenOver(Lease previous, boolean holderGone) {
        warning(ApplyReport.leaseTakenOver(previous, holderGone));
    }

    @Override
    public void leaseLost(String why) {
        warning(ApplyReport.leaseLost(why));
    }

    @Override
    public void leaseReleaseFailed(LockException problem) {
        warning(ApplyReport.leaseReleaseFailed(problem));
    }

    @Override
    public void historyFailed(LockException problem) {
        warning(ApplyReport.historyFailed(problem));
    }

    /** The result, last. */
    public synchronized void result(String line) {
        out.println(line);
        out.flush();
    }

    private void warning(String text) {
        emit("warning", node -> node.put("text", text));
    }

    private synchronized void emit(String type, Consumer<ObjectNode> fields) {
        double elapsed = Duration.between(started, clock.instant()).toMillis() / 1000.0;
        out.println(ApplyJson.event(type, elapsed, fields));
        out.flush();
    }
}
