package dev.fleet.desired.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of the state file, with its key path, read as the type its key expects. Every reading
 * method either returns the value or records a problem at the value's position and returns empty;
 * none throws. Scalars are read from their text as written, never from YAML's type guess, so
 * {@code restart: no} is the text "no", not the boolean false.
 *
 * @param path     the key path, for example {@code droplets[2].port}; empty for the document
 * @param node     the value's node
 * @param problems where problems go
 */
record Field(String path, Node node, Problems problems) {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");

    Field child(String key, Node child) {
        return new Field(KeyPath.child(path, key), child, problems);
    }

    Field element(int index, Node child) {
        return new Field(KeyPath.element(path, index), child, problems);
    }

    Mark mark() {
        return node.getStartMark();
    }

    /** Records a problem about this value; the message is prefixed with the key path. */
    void problem(String message) {
        problem(message, null);
    }

    void problem(String message, String hint) {
        problems.at(mark(), label(path, message), hint);
    }

    static String label(String path, String message) {
        return path.isEmpty() ? message : path + ": " + message;
    }

    /** Whether the value is YAML's null: nothing after the colon, {@code ~} or {@code null}. */
    boolean isNothing() {
        return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
    }

    /** The value as text; numbers and booleans as written. */
    Optional<String> text() {
        return scalar("text");
    }

    /** Text that must match {@code form}; otherwise {@code "value" is not <what>} and the hint. */
    Optional<String> text(Pattern form, String what, String hint) {
        return text().filter(value -> {
            if (form.matcher(value).matches()) {
                return true;
            }
            problem(Text.quote(value) + " is not " + what, hint);
            return false;
        });
    }

    /** A whole number between {@code min} and {@code max}, written in decimal (quoted or not). */
    Optional<Integer> integer(int min, int max) {
        return scalar("a number").flatMap(value -> {
            if (!WHOLE_NUMBER.matcher(value).matches()) {
                problem("expected a number, found " + Text.quote(value));
                return Optional.empty();
            }
            long number = Long.parseLong(value);
            if (number < min || number > max) {
                problem(value + (max == Integer.MAX_VALUE ? " is too small: expected at least " + min
                        : " is out of range: expected " + min + " to " + max));
                return Optional.empty();
            }
            return Optional.of((int) number);
        });
    }

    /** {@code true} or {@code false}; YAML 1.1's yes/no/on/off are refused as ambiguous. */
    Optional<Boolean> bool() {
        return scalar("true or false").flatMap(value -> switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                problem("expected true or false, found " + Text.quote(value));
                yield Optional.empty();
            }
        });
    }

    /** A duration in the one form {@link Durations} accepts. */
    Optional<Duration> duration() {
        return scalar("a duration").flatMap(value -> DurationField.parse(value, this));
    }

    /** The value as a mapping whose keys must be among {@code knownKeys} (unknown ones are problems). */
    Optional<MappingReader> mapping(Set<String> knownKeys) {
        return mappingNode().map(mapping -> new MappingReader(this, mapping, knownKeys));
    }

    /** The value as a mapping of free keys, such as labels. */
    Optional<MappingReader> freeMapping() {
        return mappingNode().map(mapping -> new MappingReader(this, mapping, null));
    }

    /** The value as a list, one field per element. */
    Optional<List<Field>> list() {
        if (node instanceof SequenceNode sequence) {
            List<Field> elements = new ArrayList<>();
            for (Node element : sequence.getValue()) {
                elements.add(element(elements.size(), element));
            }
            return Optional.of(elements);
        }
        problem("expected a list, found " + kind(), "write each element on its own line, starting with \"- \"");
        return Optional.empty();
    }

    private Optional<MappingNode> mappingNode() {
        if (node instanceof MappingNode mapping) {
            return Optional.of(mapping);
        }
        problem("expected a mapping, found " + kind(), "write its keys below it, indented, as key: value lines");
        return Optional.empty();
    }

    private Optional<String> scalar(String expected) {
        if (node instanceof ScalarNode scalar) {
            if (isNothing()) {
                problem("has no value", "write a value after the colon, or leave the key out to use its default");
                return Optional.empty();
            }
            return Optional.of(scalar.getValue());
        }
        problem("expected " + expected + ", found " + kind());
        return Optional.empty();
    }

    /** What the node is, for "expected ..., found ..." messages; never the value itself. */
    String kind() {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNothing() ? "nothing" : "text";
    }
}
