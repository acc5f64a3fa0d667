package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.ServiceDrift;
import dev.fleet.drift.UnmanagedContainer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The drift report as JSON, schema {@value #SCHEMA}. The README documents every field. Fields are
 * only ever added to this schema; a change that removes or renames one gets a new schema name.
 * Built as a Jackson tree: the field order is the code's, in the JVM and the native build alike.
 */
final class JsonReport {

    static final String SCHEMA = "fleet.drift/v2";

    private JsonReport() {}

    static String render(DriftReport report) {
        return JsonTrees.pretty(tree(report));
    }

    /** The report as a tree, for the outputs that carry it whole ({@code /drift.json}). */
    static ObjectNode tree(DriftReport report) {
        ObjectNode root = JsonTrees.header(SCHEMA, report.service(), report.stateFile(), report.revision());
        root.put("observedAt", report.observedAt().toString());
        root.put("clean", report.clean());
        ObjectNode summary = root.putObject("summary");
        summary.put("droplets", report.droplets().size());
        Map<DropletStatus, Integer> counts = report.countByStatus();
        for (DropletStatus status : DropletStatus.values()) {
            summary.put(status.name(), counts.getOrDefault(status, 0));
        }
        summary.put("UNMANAGED", report.unmanagedCount());
        summary.put("text", report.summary());
        root.put("balancerProblem", report.balancerProblem().orElse(null));
        ArrayNode droplets = root.putArray("droplets");
        report.droplets().forEach(droplet -> droplet(droplets.addObject(), droplet));
        return root;
    }

    private static void droplet(ObjectNode node, DropletDrift droplet) {
        node.put("name", droplet.droplet());
        node.put("status", droplet.status().name());
        node.put("desiredDigest", droplet.desiredDigest());
        node.put("runningDigest", droplet.runningDigest().orElse(null));
        node.put("health", droplet.health().name());
        node.put("balancer", droplet.balancer().orElse(null));
        node.put("since", droplet.since().map(Instant::toString).orElse(null));
        node.put("reason", droplet.reason());
        ArrayNode unmanaged = node.putArray("unmanaged");
        for (UnmanagedContainer extra : droplet.unmanaged()) {
            unmanaged.addObject().put("id", extra.id()).put("name", extra.name())
                    .put("digest", extra.digest().orElse(null)).put("state", extra.state())
                    .put("leftoverOf", extra.leftoverOf().orElse(null));
        }
        if (droplet.images().isPresent()) {
            node.putObject("images").put("count", droplet.images().get().count()).put("bytes", droplet.images().get().bytes());
        } else {
            node.putNull("images");
        }
        ArrayNode differences = node.putArray("configDifferences");
        droplet.configDifferences().forEach(differences::add);
        ArrayNode services = node.putArray("services");
        droplet.services().forEach(service -> service(services.addObject(), service));
        node.put("unreachableReason", droplet.unreachableReason()
                .map(reason -> reason.name().toLowerCase(Locale.ROOT)).orElse(null));
    }

    /** A service beside the fronted one: the droplet's own fields, for that service's container. */
    private static void service(ObjectNode node, ServiceDrift service) {
        node.put("name", service.service());
        node.put("role", service.role().word());
        node.put("status", service.status().name());
        node.put("desiredDigest", service.desiredDigest());
        node.put("runningDigest", service.runningDigest().orElse(null));
        node.put("health", service.health().name());
        node.put("since", service.since().map(Instant::toString).orElse(null));
        node.put("reason", service.reason());
        ArrayNode differences = node.putArray("configDifferences");
        service.configDifferences().forEach(differences::add);
    }
}
