package dev.fleet.report;

import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.ServiceDrift;
import dev.fleet.drift.UnmanagedContainer;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The drift report as JSON, schema {@value #SCHEMA}. The README documents every field. Fields are
 * only ever added to this schema; a change that removes or renames one gets a new schema name.
 *
 * <p>Written by hand rather than by reflection: the field order is part of the contract and stays
 * the same in a native executable.
 */
final class JsonReport {

    static final String SCHEMA = "fleet.drift/v2";

    private JsonReport() {}

    static String render(DriftReport report) {
        var json = new StringBuilder();
        json.append("{\n");
        field(json, 1, "schema", quote(SCHEMA), true);
        field(json, 1, "service", quote(report.service()), true);
        field(json, 1, "stateFile", quote(report.stateFile().toString()), true);
        json.append(indent(1)).append("\"revision\": {")
                .append("\"commit\": ").append(quoteOrNull(report.revision().commit()))
                .append(", \"dirty\": ").append(report.revision().dirty()).append("},\n");
        field(json, 1, "observedAt", quote(report.observedAt().toString()), true);
        field(json, 1, "clean", Boolean.toString(report.clean()), true);
        json.append(indent(1)).append("\"summary\": {");
        json.append("\"droplets\": ").append(report.droplets().size());
        var counts = report.countByStatus();
        for (DropletStatus status : DropletStatus.values()) {
            json.append(", ").append(quote(status.name())).append(": ").append(counts.getOrDefault(status, 0));
        }
        json.append(", \"UNMANAGED\": ").append(report.unmanagedCount());
        json.append(", \"text\": ").append(quote(report.summary())).append("},\n");
        field(json, 1, "balancerProblem", quoteOrNull(report.balancerProblem()), true);
        json.append(indent(1)).append("\"droplets\": [");
        for (int i = 0; i < report.droplets().size(); i++) {
            json.append(i == 0 ? "\n" : ",\n");
            droplet(json, report.droplets().get(i));
        }
        json.append(report.droplets().isEmpty() ? "]\n" : "\n" + indent(1) + "]\n");
        json.append("}\n");
        return json.toString();
    }

    private static void droplet(StringBuilder json, DropletDrift droplet) {
        json.append(indent(2)).append("{\n");
        field(json, 3, "name", quote(droplet.droplet()), true);
        field(json, 3, "status", quote(droplet.status().name()), true);
        field(json, 3, "desiredDigest", quote(droplet.desiredDigest()), true);
        field(json, 3, "runningDigest", quoteOrNull(droplet.runningDigest()), true);
        field(json, 3, "health", quote(droplet.health().name()), true);
        field(json, 3, "balancer", quoteOrNull(droplet.balancer()), true);
        field(json, 3, "since", quoteOrNull(droplet.since().map(Instant::toString)), true);
        field(json, 3, "reason", quote(droplet.reason()), true);
        json.append(indent(3)).append("\"unmanaged\": [");
        for (int i = 0; i < droplet.unmanaged().size(); i++) {
            UnmanagedContainer extra = droplet.unmanaged().get(i);
            json.append(i == 0 ? "" : ", ")
                    .append("{\"id\": ").append(quote(extra.id()))
                    .append(", \"name\": ").append(quote(extra.name()))
                    .append(", \"digest\": ").append(quoteOrNull(extra.digest()))
                    .append(", \"state\": ").append(quote(extra.state()))
                    .append(", \"leftoverOf\": ").append(quoteOrNull(extra.leftoverOf())).append('}');
        }
        json.append("],\n");
        json.append(indent(3)).append("\"images\": ").append(droplet.images()
                .map(use -> "{\"count\": " + use.count() + ", \"bytes\": " + use.bytes() + "}").orElse("null"))
                .append(",\n");
        json.append(indent(3)).append("\"configDifferences\": [")
                .append(droplet.configDifferences().stream().map(JsonReport::quote).collect(Collectors.joining(", ")))
                .append("],\n");
        json.append(indent(3)).append("\"services\": [");
        for (int i = 0; i < droplet.services().size(); i++) {
            json.append(i == 0 ? "\n" : ",\n");
            service(json, droplet.services().get(i));
        }
        json.append(droplet.services().isEmpty() ? "]\n" : "\n" + indent(3) + "]\n");
        json.append(indent(2)).append('}');
    }

    /** A service beside the fronted one: the droplet's own fields, for that service's container. */
    private static void service(StringBuilder json, ServiceDrift service) {
        json.append(indent(4)).append("{\"name\": ").append(quote(service.service()))
                .append(", \"role\": ").append(quote(service.role().word()))
                .append(", \"status\": ").append(quote(service.status().name()))
                .append(", \"desiredDigest\": ").append(quote(service.desiredDigest()))
                .append(", \"runningDigest\": ").append(quoteOrNull(service.runningDigest()))
                .append(", \"health\": ").append(quote(service.health().name()))
                .append(", \"since\": ").append(quoteOrNull(service.since().map(Instant::toString)))
                .append(", \"reason\": ").append(quote(service.reason()))
                .append(", \"configDifferences\": [")
                .append(service.configDifferences().stream().map(JsonReport::quote).collect(Collectors.joining(", ")))
                .append("]}");
    }

    private static void field(StringBuilder json, int level, String name, String value, boolean more) {
        json.append(indent(level)).append(quote(name)).append(": ").append(value).append(more ? ",\n" : "\n");
    }

    private static String indent(int level) {
        return "  ".repeat(level);
    }

    private static String quoteOrNull(Optional<String> value) {
        return value.map(JsonReport::quote).orElse("null");
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String value) {
        var quoted = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
