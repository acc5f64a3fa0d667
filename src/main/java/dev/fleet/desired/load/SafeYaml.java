package dev.fleet.desired.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
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
 * as problems rather than exceptions:
 *
 * <ul>
 *   <li>files over {@value #MAX_BYTES} bytes, before reading them;</li>
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
        return readBytes(file, problems)
                .flatMap(bytes -> decode(bytes, problems))
                .flatMap(text -> compose(text, problems))
                .map(root -> {
                    checkKeys(root, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
                    return root;
                });
    }

    private static Optional<byte[]> readBytes(Path file, Problems problems) {
        if (Files.isDirectory(file)) {
            problems.wholeFile("is a directory, not a state file", null);
            return Optional.empty();
        }
        try {
            // Checked before reading, so a huge file is never loaded; the bounded read covers one
            // that grows meanwhile.
            long size = Files.size(file);
            if (size <= MAX_BYTES) {
                try (InputStream in = Files.newInputStream(file)) {
                    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                    if (bytes.length <= MAX_BYTES) {
                        return Optional.of(bytes);
                    }
                    size = bytes.length;
                }
            }
            problems.wholeFile("is " + size + " bytes; a state file may be at most 256 KiB (" + MAX_BYTES + " bytes)",
                    "a desired state is a few dozen lines; check that this is the right file");
        } catch (NoSuchFileException e) {
            problems.wholeFile("does not exist",
                    "check the path; resolved, it is " + file.toAbsolutePath().normalize());
        } catch (AccessDeniedException e) {
            problems.wholeFile("cannot be read: permission denied", null);
        } catch (IOException e) {
            problems.wholeFile("cannot be read: " + e.getMessage(), null);
        }
        return Optional.empty();
    }

    private static Optional<String> decode(byte[] bytes, Problems problems) {
        Optional<String> byteOrderMark = foreignByteOrderMark(bytes);
        if (byteOrderMark.isPresent()) {
            problems.at(1, 1, "the file is " + byteOrderMark.get() + " (it starts with a byte order mark);"
                    + " fleet reads state files as UTF-8 only", "save it as UTF-8, e.g. iconv -f "
                    + byteOrderMark.get() + " -t UTF-8");
            return Optional.empty();
        }
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        out.flip();
        String text = out.toString();
        if (result.isError()) {
            int[] position = position(text, text.length());
            problems.at(position[0], position[1], String.format("the file is not UTF-8 text:"
                    + " byte 0x%02X here is not part of a UTF-8 character", bytes[in.position()]),
                    "fleet reads state files as UTF-8 only; convert it, e.g. iconv -f LATIN1 -t UTF-8");
            return Optional.empty();
        }
        return checkPrintable(text, problems) ? Optional.of(text) : Optional.empty();
    }

    private static Optional<String> foreignByteOrderMark(byte[] b) {
        int b0 = b.length > 0 ? b[0] & 0xff : -1;
        int b1 = b.length > 1 ? b[1] & 0xff : -1;
        int b2 = b.length > 2 ? b[2] & 0xff : -1;
        int b3 = b.length > 3 ? b[3] & 0xff : -1;
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return Optional.of("UTF-32BE");
        }
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            return Optional.of("UTF-32LE");
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return Optional.of("UTF-16BE");
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return Optional.of("UTF-16LE");
        }
        return Optional.empty();
    }

    /** Refuses what YAML does not allow in a stream: NUL (UTF-16 without a byte order mark) and controls. */
    private static boolean checkPrintable(String text, Problems problems) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!StreamReader.isPrintable(c)) {
                int[] position = position(text, i);
                if (c == 0) {
                    problems.at(position[0], position[1], "the file contains NUL bytes, as UTF-16 text or a binary"
                            + " file does; fleet reads state files as UTF-8 text only",
                            "save it as UTF-8, e.g. iconv -f UTF-16LE -t UTF-8");
                } else {
                    problems.at(position[0], position[1],
                            String.format("the file contains the control character U+%04X", c),
                            "remove it; a state file is plain text");
                }
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** The 1-based line and column (in code points, as snakeyaml counts) of {@code index} in {@code text}. */
    private static int[] position(String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            boolean crlf = c == '\r' && i < text.length() && text.charAt(i) == '\n';
            if (c == '\n' || (c == '\r' && !crlf)) {
                line++;
                column = 1;
            } else if (!crlf) {
                column++;
            }
        }
        return new int[] {line, column};
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
        try {
            Parser parser = new GuardedParser(new ParserImpl(new StreamReader(text), options));
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
        } catch (Refused refused) {
            problems.at(refused.mark, refused.getMessage(), refused.hint);
        } catch (MarkedYAMLException e) {
            syntaxProblem(e, problems);
        } catch (YAMLException e) {
            problems.wholeFile("is not valid YAML: " + e.getMessage(), null);
        }
        return Optional.empty();
    }

    private static void syntaxProblem(MarkedYAMLException e, Problems problems) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
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
        if (mark != null) {
            problems.at(mark, message, hint);
        } else {
            problems.wholeFile(message, hint);
        }
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

    /**
     * Passes parser events through to the composer, refusing explicit tags, too many aliases and deep
     * nesting as they stream by, at their position.
     */
    private static final class GuardedParser implements Parser {

        private final Parser parser;
        private int aliases;
        private int depth;

        GuardedParser(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event event = parser.getEvent();
            String tag = event instanceof ScalarEvent scalar ? scalar.getTag()
                    : event instanceof CollectionStartEvent collection ? collection.getTag() : null;
            if (tag != null) {
                throw new Refused(event.getStartMark(), "YAML tags are not allowed, found " + shortTag(tag),
                        "remove the tag: a state file is plain data, and each key says how its value is read");
            }
            if (event instanceof AliasEvent && ++aliases > MAX_ALIASES) {
                throw new Refused(event.getStartMark(), "more than " + MAX_ALIASES + " aliases (*name); that many"
                        + " is how a YAML bomb (billion laughs) blows up memory, so fleet refuses the file",
                        "write the values out instead of referring to anchors");
            }
            if (event instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
                throw new Refused(event.getStartMark(), "nested more than " + MAX_DEPTH + " levels deep; a state"
                        + " file needs at most 4", "check the indentation");
            }
            if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
                depth--;
            }
            return event;
        }

        private static String shortTag(String tag) {
            return tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : tag;
        }
    }

    /** A refusal by the guard; caught in {@link #compose} and turned into a problem. */
    private static final class Refused extends RuntimeException {

        private final transient Mark mark;
        private final String hint;

        Refused(Mark mark, String message, String hint) {
            super(message, null, false, false);
            this.mark = mark;
            this.hint = hint;
        }
    }
}
