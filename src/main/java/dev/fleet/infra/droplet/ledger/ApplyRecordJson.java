package dev.fleet.infra.droplet.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.rollout.ledger.ApplyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An apply's history record as one line of JSON in a droplet's history, and back. Fields are only
 * added: an older fleet reads a newer record, leaving out what it does not know.
 */
final class ApplyRecordJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApplyRecordJson() {}

    static ObjectNode toJson(ApplyRecord record) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", "apply");
        node.put("run", record.run());
        node.put("who", record.who());
        node.put("commit", record.commit());
        node.put("started", record.started().toString());
        node.put("tookMillis", record.took().toMillis());
        node.put("result", record.result());
        record.failure().ifPresent(f -> node.put("failure", f));
        if (!record.hooks().isEmpty()) {
            ArrayNode hooks = node.putArray("hooks");
            record.hooks().forEach(hooks::add);
        }
        record.probe().ifPresent(probe -> probe(node.putObject("probe"), probe));
        ArrayNode droplets = node.putArray("droplets");
        for (ApplyRecord.DropletRecord droplet : record.droplets()) {
            ObjectNode d = droplets.addObject();
            d.put("name", droplet.droplet());
            d.put("from", droplet.fromDigest());
            d.put("to", droplet.toDigest());
            d.put("result", droplet.result());
            ArrayNode steps = d.putArray("steps");
            droplet.steps().forEach(steps::add);
        }
        return node;
    }

    static ApplyRecord fromJson(JsonNode node) {
        List<ApplyRecord.DropletRecord> droplets = new ArrayList<>();
        for (JsonNode d : node.path("droplets")) {
            List<String> steps = new ArrayList<>();
            d.path("steps").forEach(s -> steps.add(s.asText()));
            droplets.add(new ApplyRecord.DropletRecord(d.path("name").asText(), d.path("from").asText(),
                    d.path("to").asText(), d.path("result").asText(), steps));
        }
        return new ApplyRecord(node.path("run").asText(), node.path("who").asText(), node.path("commit").asText(),
                Instant.parse(node.path("started").asText()), Duration.ofMillis(node.path("tookMillis").asLong()),
                node.path("result").asText(), droplets,
                node.hasNonNull("failure") ? Optional.of(node.get("failure").asText()) : Optional.empty(), hooks(node),
                probe(node.path("probe")));
    }

    private static void probe(ObjectNode node, ProbeFigures probe) {
        node.put("url", probe.url());
        node.put("requests", probe.requests());
        ObjectNode failures = node.putObject("failures");
        probe.failuresInOrder().forEach(failures::put);
        node.put("longestGapMillis", probe.longestGap().toMillis());
    }

    /** The probe's figures, when the record has them: older records, and applies without a probe, do not. */
    private static Optional<ProbeFigures> probe(JsonNode node) {
        if (!node.isObject()) {
            return Optional.empty();
        }
        Map<String, Long> failures = new LinkedHashMap<>();
        node.path("failures").properties().forEach(e -> failures.put(e.getKey(), e.getValue().asLong()));
        return Optional.of(new ProbeFigures(node.path("url").asText(), node.path("requests").asLong(), failures,
                Duration.ofMillis(node.path("longestGapMillis").asLong())));
    }

    private static List<String> hooks(JsonNode node) {
        List<String> hooks = new ArrayList<>();
        node.path("hooks").forEach(h -> hooks.add(h.asText()));
        return hooks;
    }
}
