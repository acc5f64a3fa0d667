package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.OnFailure;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlanOutcome;
import dev.fleet.plan.PlannedHook;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import java.util.List;

/**
 * A plan as JSON, schema {@value #SCHEMA}, for programs (a bot that comments on a pull request):
 * what {@code fleet plan} prints in words, as values. Fields are only ever added to this schema; a
 * change that removes or renames one gets a new schema name. Built as a Jackson tree, so the field
 * order is the code's, in the JVM and the native build alike.
 *
 * <p>{@code outcome} is {@code nothing_to_do}, {@code ready}, {@code refused} (with {@code
 * refusals}) or {@code unreachable} (no droplet could be reached; nothing else is planned).
 */
public final class PlanJson {

    public static final String SCHEMA = "fleet.plan/v1";

    private PlanJson() {}

    /** {@code outcome} of a plan of {@code state}, against the fleet seen in {@code drift}. */
    public static String render(PlanOutcome outcome, DriftReport drift, DesiredState state) {
        Plan plan = switch (outcome) {
            case PlanOutcome.Ready ready -> ready.plan();
            case PlanOutcome.Refused refused -> refused.plan();
        };
        boolean none = drift.noneReached();
        ObjectNode root = JsonTrees.header(SCHEMA, plan.service(), state.file(), plan.revision());
        root.put("outcome", none ? "unreachable" : outcome instanceof PlanOutcome.Refused ? "refused"
                : plan.isEmpty() ? "nothing_to_do" : "ready");
        ArrayNode refusals = root.putArray("refusals");
        if (outcome instanceof PlanOutcome.Refused refused && !none) {
            refused.reasons().forEach(refusals::add);
        }
        unreachable(root.putArray("unreachable"), drift);
        if (!none) {
            planned(root, plan, state);
        }
        root.put("driftSummary", drift.summary());
        return JsonTrees.pretty(root);
    }

    /** {@code {droplet, reason}} for each droplet of {@code drift} not reached, as plan and apply list them. */
    static void unreachable(ArrayNode into, DriftReport drift) {
        for (DropletDrift droplet : drift.unreachable()) {
            into.addObject().put("droplet", droplet.droplet()).put("reason", droplet.reason());
        }
    }

    private static void planned(ObjectNode root, Plan plan, DesiredState state) {
        root.put("estimateSeconds", plan.estimate().toSeconds());
        ObjectNode pace = root.putObject("pace");
        pace.put("maxUnavailable", state.rollout().maxUnavailable());
        pace.put("inWaves", state.rollout().inWaves());
        ArrayNode waves = pace.putArray("waves");
        plan.waves().sizes().forEach(waves::add);
        pace.put("parallel", plan.waves().parallel());
        pace.put("onFailure", state.rollout().onFailure() == OnFailure.REVERT ? "revert" : "stop");
        pace.put("canarySoakSeconds", plan.waves().canary().map(canary -> canary.soak().toSeconds()).orElse(null));
        ArrayNode preflight = root.putArray("preflight");
        for (Step step : plan.preflight()) {
            preflight.addObject().put("droplet", step.droplet()).put("step", StepText.describe(step, state, plan.balancer()));
        }
        ArrayNode hooks = root.putArray("hooks");
        for (PlannedHook hook : plan.hooks()) {
            hooks.addObject().put("service", hook.service()).put("kind", hook.kind()).put("droplet", hook.droplet())
                    .put("description", hook.describe()).put("rollbackOnFailure", hook.rollbackOnFailure());
        }
        ArrayNode droplets = root.putArray("droplets");
        List<List<DropletPlan>> inWaves = plan.waves().split(plan.droplets());
        for (int wave = 0; wave < inWaves.size(); wave++) {
            for (DropletPlan droplet : inWaves.get(wave)) {
                ObjectNode node = droplets.addObject();
                node.put("droplet", droplet.droplet());
                node.put("wave", wave + 1);
                node.put("why", droplet.why());
                node.put("fromDigest", droplet.fromDigest().orElse(null));
                node.put("toDigest", droplet.toDigest());
                node.put("estimateSeconds", droplet.estimate().toSeconds());
                steps(node.putArray("steps"), droplet.steps(), plan, state);
                steps(node.putArray("rollback"), droplet.rollback(), plan, state);
            }
        }
        ArrayNode unchanged = root.putArray("unchanged");
        plan.unchanged().forEach(unchanged::add);
        ArrayNode notes = root.putArray("notes");
        plan.notes().forEach(notes::add);
    }

    private static void steps(ArrayNode into, List<Step> steps, Plan plan, DesiredState state) {
        steps.forEach(step -> into.add(StepText.describe(step, state, plan.balancer())));
    }
}
