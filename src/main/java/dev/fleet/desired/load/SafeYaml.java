package dev.fleet.desired.load;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a state file into a YAML node tree, and nothing more: no object is ever constructed from
 * YAML (no JavaBeans, no tags), so a hostile file can describe data but never run code. It refuses,
 * as problems rather than exceptions (the first two through {@link StateFileText}, tags, aliases and
 * nesting through {@link GuardedParser}):
 *
 * <ul>
 *   <li>files over {@value #MAX_BYTES} bytes, reading no more than that;</li>
 *   <li>anything but UTF-8 text (UTF-16, Latin-1, binary), with the position of the first bad byte;</li>
 *   <li>explicit tags ({@code !!python/object}, {@code !custom}, even {@code !!str});</li>
 *   <li>more than {@value #MAX_ALIASES} aliases, which is how "billion laughs" bombs grow;</li>
 *   <li>nesting deeper than {@value #MAX_DEPTH} levels;</li>
 *   <li>duplicate keys (which YAML would silently resolve) and keys that are not text.</li>
 * </ul>
 */
final class SafeYaml {

    /**
     * 256 KiB: a state file is a few dozen lines, and thousands of droplets fit in this; a file at the
     * limit still parses in a fraction of a second, even in the native build, so a huge one cannot
     * hold fleet up.
     */
    static final int MAX_BYTES = 256 * 1024;
    static final int MAX_ALIASES = 20;
    /** The format itself needs 4 (health.checks[0].path); the rest is room for mistakes. */
    static final int MAX_DEPTH = 10;

    private SafeYaml() {}

    /** The file's single YAML document, or empty (and problems) when it cannot be read as one. */
    static Optional<Node> read(Path file, Problems problems) {
        return StateFileText.read(file, problems).flatMap(text -> parse(text, problems));
    }

    /** The single YAML document of a state file's text, already read, with the same refusals as {@link #read}. */
    static Optional<Node> parse(String text, Problems problems) {
        return compose(text, problems).map(root -> {
            checkKeys(root, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
            return root;
        });
    }

    private static Optional<Node> compose(String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        // The guard below enforces these first, with positions; snakeyaml's own checks stay as a
        // second line of defence.
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        options.setAllowDuplicateKeys(false);
        options.setTagInspector(tag -> false);
        StreamReader reader = new StreamReader(text);
        try {
            Parser parser = new GuardedParser(new ParserImpl(reader, options));
            Node root = new Composer(parser, new Resolver(), options).getSingleNode();
            // A lone "---" is a document holding null: as empty as no document at all.
            if (root == null || root instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL)) {
                problems.at(1, 1, "the file is empty",
                        "a state file needs at least service, droplets, ssh and balancer;"
                                + " see fleet-state/example.yaml");
                return Optional.empty();
            }
            if (!(root instanceof MappingNode)) {
                String found = root instanceof SequenceNode ? "a list" : "text";
                problems.at(root.getStartMark(), "the file must be a mapping of sections (service:, droplets:, ...),"
                        + " found " + found, "see fleet-state/example.yaml");
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (GuardedParser.Refused refused) {
            problems.at(refused.mark, refused.getMessage(), refused.hint);
        } catch (MarkedYAMLException e) {
            syntaxProblem(e, reader, problems);
        } catch (YAMLException e) {
            // snakeyaml gives some errors no position: they are where its reading stopped.
            problems.at(reader.getMark(), "not valid YAML here: " + e.getMessage(),
                    "check the YAML up to this line; see fleet-state/example.yaml");
        }
        return Optional.empty();
    }

    private static void syntaxProblem(MarkedYAMLException e, StreamReader reader, Problems problems) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark()
                : e.getContextMark() != null ? e.getContextMark() : reader.getMark();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        if ("expected a single document in the stream".equals(e.getContext())) {
            problems.at(mark, "the file holds more than one YAML document; a state file is a single one",
                    "remove the '---' line and what follows, or merge the documents");
            return;
        }
        String message;
        String hint = null;
        if (problem.contains("(TAB)")) {
            message = "YAML syntax error: a tab character, where YAML allows only spaces";
            hint = "indent with spaces: YAML does not allow tabs for indentation";
        } else {
            Mark start = e.getContextMark();
            String where = start == null || mark == null || start.getIndex() == mark.getIndex() ? ""
                    : " that starts at line " + (start.getLine() + 1) + ", column " + (start.getColumn() + 1);
            message = "YAML syntax error: " + problem
                    + (e.getContext() == null ? "" : " (" + e.getContext() + where + ")");
        }
        problems.at(mark, message, hint);
    }

    /**
     * Reports duplicate keys (with the line of the first) and keys that are not text. Each node is
     * visited once, so aliases cannot make this walk large and recursive aliases cannot make it loop.
     */
    private static void checkKeys(Node node, String path, Problems problems, Set<Node> visited) {
        if (!visited.add(node)) {
            return;
        }
        if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                checkKeys(sequence.getValue().get(i), KeyPath.element(path, i), problems, visited);
            }
        } else if (node instanceof MappingNode mapping) {
            Map<String, Mark> seen = new HashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    problems.at(tuple.getKeyNode().getStartMark(),
                            Field.label(path, "a key must be text, not a list or mapping"), null);
                    continue;
                }
                String keyPath = KeyPath.child(path, key.getValue());
                Mark first = seen.putIfAbsent(key.getValue(), key.getStartMark());
                if (first != null) {
                    problems.at(key.getStartMark(), keyPath + ": duplicate key; the first is at line "
                            + (first.getLine() + 1), "remove one: YAML would silently keep only one of them");
                }
                checkKeys(tuple.getValueNode(), keyPath, problems, visited);
            }
        }
    }
}
