package dev.fleet.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.desired.Revision;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The Jackson tree model the JSON outputs are built with: nodes keep the order their fields were
 * put in, so a schema's field order is the code's, and nothing is read by reflection (native build).
 */
final class JsonTrees {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** {@code "name": value}, two spaces per level, arrays one item per line: what people read and diff. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private JsonTrees() {}

    /**
     * A new output's first fields, the same in every schema: {@code schema}, {@code service}, {@code
     * stateFile} and {@code revision} ({@code commit}, {@code dirty}).
     */
    static ObjectNode header(String schema, String service, Path stateFile, Revision revision) {
        ObjectNode root = object();
        root.put("schema", schema);
        root.put("service", service);
        root.put("stateFile", stateFile.toString());
        ObjectNode commit = root.putObject("revision");
        commit.put("commit", revision.commit().orElse(null));
        commit.put("dirty", revision.dirty());
        return root;
    }

    /** A new, empty object to build an output in. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} on one line, without a line break: one line of a JSON-lines stream. */
    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always writes
        }
    }

    /** {@code node} indented, with a final line break, as the commands print it. */
    static String pretty(JsonNode node) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of plain nodes always writes
        }
    }
}
