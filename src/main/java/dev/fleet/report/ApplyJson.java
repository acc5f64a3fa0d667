package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.apply.ApplyResult;
import dev.fleet.apply.DropletOutcome;
import dev.fleet.apply.HookOutcome;
import dev.fleet.apply.StepRecord;
import dev.fleet.desired.DesiredState;
import dev.fleet.rollout.ConvergeResult;
import dev.fleet.rollout.ledger.Lease;
import java.util.List;
import java.util.function.Consumer;

/**
 * An apply's end as JSON, schema {@value #SCHEMA}: how it ended ({@code outcome} and the exit code),
 * why it did not start when it did not, and each planned droplet's result, digests and steps. Fields
 * are only ever added to this schema; a change that removes or renames one gets a new schema name.
 *
 * <p>{@code outcome} is {@code nothing_to_do}, {@code converged}, {@code rollout_failed} (a droplet
 * was changed and the rollout stopped), {@code not_started} (it failed before changing any droplet:
 * a pull, a pre-deploy hook), {@code refused}, {@code declined}, {@code locked} or {@code
 * lock_unavailable}. Droplets that could not be reached are listed in {@code unreachable} whatever
 * the outcome; the exit code is then 5.
 */
public final class ApplyJson {

    public static final String SCHEMA = "fleet.apply/v1";
    public static final String EVENT_SCHEMA = "fleet.apply.event/v1";

    private ApplyJson() {}

    /** The result, indented, as {@code fleet apply -o json} prints it. */
    public static String render(ConvergeResult result, DesiredState state, int exitCode) {
        return JsonTrees.pretty(tree(result, state, exitCode));
    }

    /** The result on one line, the last of {@code fleet apply -o json-lines}. */
    public static String line(ConvergeResult result, DesiredState state, int exitCode) {
        return JsonTrees.compact(tree(result, state, exitCode));
    }

    static ObjectNode tree(ConvergeResult result, DesiredState state, int exitCode) {
        ObjectNode root = JsonTrees.header(SCHEMA, state.service().name(), state.file(), state.revision());
        root.put("outcome", outcome(result));
        root.put("exitCode", exitCode);
        PlanJson.unreachable(root.putArray("unreachable"), result.drift());
        ArrayNode refusals = root.putArray("refusals");
        switch (result) {
            case ConvergeResult.Refused refused -> refused.reasons().forEach(refusals::add);
            case ConvergeResult.Locked locked -> lock(root.putObject("lock"), locked);
            case ConvergeResult.LockUnavailable unavailable -> root.put("problem", unavailable.problem());
            case ConvergeResult.Applied applied -> applied(root, applied.result());
            case ConvergeResult.NothingToDo nothing -> { }
            case ConvergeResult.Declined declined -> { }
        }
        root.put("driftSummary", result.drift().summary());
        return root;
    }

    /** The outcome's name in the schema. */
    static String outcome(ConvergeResult result) {
        return switch (result) {
            case ConvergeResult.NothingToDo nothing -> "nothing_to_do";
            case ConvergeResult.LockUnavailable unavailable -> "lock_unavailable";
            case ConvergeResult.Locked locked -> "locked";
            case ConvergeResult.Refused refused -> "refused";
            case ConvergeResult.Declined declined -> "declined";
            case ConvergeResult.Applied applied -> applied.result().succeeded() ? "converged"
                    : applied.changedADroplet() ? "rollout_failed" : "not_started";
        };
    }

    private static void lock(ObjectNode node, ConvergeResult.Locked locked) {
        Lease holder = locked.holder();
        node.put("where", locked.where());
        node.put("run", holder.run());
        node.put("owner", holder.owner());
        node.put("commit", holder.commit());
        node.put("since", holder.since().toString());
        node.put("expires", holder.expires().toString());
    }

    private static void applied(ObjectNode root, ApplyResult result) {
        root.put("started", result.started().toString());
        root.put("seconds", result.took().toMillis() / 1000.0);
        root.put("failure", FailureText.of(result).orElse(null));
        if (result.probe().isPresent()) {
            HistoryJson.probe(root.putObject("probe"), result.probe().get());
        } else {
            root.putNull("probe");
        }
        steps(root.putArray("preflight"), result.preflight());
        ArrayNode hooks = root.putArray("hooks");
        for (HookOutcome hook : result.hooks()) {
            hooks.addObject().put("service", hook.hook().service()).put("kind", hook.hook().kind())
                    .put("droplet", hook.hook().droplet()).put("succeeded", hook.succeeded()).put("detail", hook.detail());
        }
        ArrayNode droplets = root.putArray("droplets");
        for (DropletOutcome droplet : result.droplets()) {
            ObjectNode node = droplets.addObject();
            node.put("droplet", droplet.droplet());
            node.put("result", droplet.result().word());
            node.put("fromDigest", droplet.fromDigest().orElse(null));
            node.put("toDigest", droplet.toDigest());
            node.put("failure", FailureText.of(droplet).orElse(null));
            steps(node.putArray("steps"), droplet.steps());
        }
    }

    private static void steps(ArrayNode into, List<StepRecord> steps) {
        steps.forEach(step -> step(into.addObject(), step));
    }

    /**
     * One progress line of {@code fleet apply -o json-lines}, schema {@value #EVENT_SCHEMA}: {@code type}
     * is {@code planned}, {@code step} (a finished step), {@code note} or {@code warning}; {@code
     * elapsedSeconds} counts from the apply's start. {@code fields} fills in the rest.
     */
    static String event(String type, double elapsedSeconds, Consumer<ObjectNode> fields) {
        ObjectNode node = JsonTrees.object();
        node.put("schema", EVENT_SCHEMA);
        node.put("type", type);
        node.put("elapsedSeconds", elapsedSeconds);
        fields.accept(node);
        return JsonTrees.compact(node);
    }

    /** A finished step's fields, as in the result and in a progress line. */
    static ObjectNode step(ObjectNode node, StepRecord step) {
        node.put("droplet", step.droplet());
        node.put("step", step.description());
        node.put("ok", step.succeeded());
        node.put("seconds", step.took().toMillis() / 1000.0);
        node.put("failure", step.failure().orElse(null));
        return node;
    }
}
