package dev.fleet.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The Jackson tree model the JSON outputs are built with: nodes keep the order their fields were
 * put in, so a schema's field order is the code's, and nothing is read by reflection (native build).
 */
final class JsonTrees {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonTrees() {}

    /** A new, empty object to build an output in. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} indented, with a final line break, as the commands print it. */
    static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always writes
        }
    }
}
