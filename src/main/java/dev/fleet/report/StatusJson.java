package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.rollout.FleetStatus;
import dev.fleet.rollout.ledger.ApplyRecord;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code fleet status} as JSON, schema {@value #SCHEMA}: each droplet's verdict, health and balancer
 * state, the fleet's containers there (digest, start, uptime, restarts, Docker's health) and the last
 * apply that touched it. Fields are only ever added to this schema; a change that removes or renames
 * one gets a new schema name.
 */
public final class StatusJson {

    public static final String SCHEMA = "fleet.status/v1";

    private StatusJson() {}

    public static String render(FleetStatus status) {
        DriftReport drift = status.drift();
        ObjectNode root = JsonTrees.header(SCHEMA, drift.service(), drift.stateFile(), drift.revision());
        root.put("observedAt", drift.observedAt().toString());
        root.put("balancerProblem", drift.balancerProblem().orElse(null));
        root.put("historyProblem", status.historyProblem().orElse(null));
        ArrayNode droplets = root.putArray("droplets");
        for (FleetStatus.DropletState droplet : status.droplets()) {
            droplet(droplets.addObject(), droplet, drift);
        }
        root.put("summary", drift.summary());
        return JsonTrees.pretty(root);
    }

    private static void droplet(ObjectNode node, FleetStatus.DropletState droplet, DriftReport report) {
        DropletDrift drift = droplet.drift();
        node.put("droplet", drift.droplet());
        node.put("status", drift.status().name().toLowerCase(Locale.ROOT));
        node.put("reason", drift.reason());
        node.put("health", drift.health().name().toLowerCase(Locale.ROOT));
        node.put("balancer", drift.balancer().orElse(null));
        node.put("desiredDigest", drift.desiredDigest());
        node.put("runningDigest", drift.runningDigest().orElse(null));
        ArrayNode containers = node.putArray("containers");
        for (FleetStatus.Container c : droplet.containers()) {
            ObjectNode each = containers.addObject();
            each.put("service", c.service());
            each.put("name", c.name());
            each.put("state", c.state());
            each.put("digest", c.digest().orElse(null));
            each.put("startedAt", c.startedAt().map(Object::toString).orElse(null));
            each.put("uptimeSeconds", c.state().equals("running") ? c.startedAt()
                    .map(at -> Math.max(0, Duration.between(at, report.observedAt()).toSeconds())).orElse(null) : null);
            each.put("restarts", c.restarts());
            each.put("dockerHealth", c.dockerHealth().orElse(null));
        }
        if (droplet.lastApply().isEmpty()) {
            node.putNull("lastApply");
            return;
        }
        ApplyRecord apply = droplet.lastApply().get().apply();
        ApplyRecord.DropletRecord here = droplet.lastApply().get().droplet();
        ObjectNode last = node.putObject("lastApply");
        last.put("run", apply.run());
        last.put("who", apply.who());
        last.put("commit", apply.commit());
        last.put("started", apply.started().toString());
        last.put("seconds", apply.took().toMillis() / 1000.0);
        last.put("applyResult", apply.result());
        last.put("result", here.result());
        last.put("fromDigest", here.fromDigest().isEmpty() ? null : here.fromDigest());
        last.put("toDigest", here.toDigest());
    }
}
