package dev.fleet.infra.ssh;

import com.hierynomus.sshj.transport.verification.KnownHostMatchers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lines of a known_hosts file that can apply to one host, found without matching every line
 * against every droplet: fleet connects to every droplet of a run, and matching each droplet
 * against the whole file made a run's work grow with the square of the fleet.
 *
 * <p>The file is read for each host (reading is cheap) but indexed only when its content changed,
 * by the plain host names its lines list. Lines whose hosts are hashed, wildcards or
 * negations cannot be indexed by name: those are matched against each host, as OpenSSH does. A
 * hashed file therefore still costs one HMAC per line and host; a file that lists its hosts by name
 * (as fleet's own advice writes them) costs a lookup.
 */
final class KnownHostsFile {

    private static final Map<Path, Indexed> READ = new ConcurrentHashMap<>();

    private KnownHostsFile() {}

    /**
     * The lines of {@code file} that may apply to {@code pattern} ({@code host} or {@code [host]:port},
     * as sshj names a host), in the file's order, undecoded; lines too malformed to tell are included,
     * for the parser to judge. A missing file has none.
     */
    static List<String> linesFor(Path file, String pattern) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        String content;
        try {
            // Not readString: a stray byte that is not UTF-8 must spoil its line only, not the file.
            content = new String(Files.readAllBytes(key), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            READ.remove(key);
            return List.of();
        }
        Indexed indexed = READ.get(key);
        if (indexed == null || !indexed.content().equals(content)) {
            indexed = new Indexed(content, Index.of(content));
            READ.put(key, indexed);
        }
        return indexed.index().linesFor(pattern);
    }

    /**
     * Whether a line's host patterns match, or are too malformed to tell. As in OpenSSH, a negated
     * pattern that matches rules the line out whatever else matches ({@code !10.0.0.1,10.0.0.*} is
     * not a line for 10.0.0.1); sshj's matcher alone would take it.
     */
    static boolean mayApply(String hosts, String pattern) {
        try {
            for (String host : hosts.split(",")) {
                if (host.startsWith("!") && KnownHostMatchers.createMatcher(host.substring(1)).match(pattern)) {
                    return false;
                }
            }
            return KnownHostMatchers.createMatcher(hosts).match(pattern);
        } catch (IOException | RuntimeException e) {
            return true; // let the parser judge it, as it would without the filter
        }
    }

    /**
     * A line's fields from its host patterns on, with its marker (or an empty string) first:
     * {@code [marker, hosts, type, key, ...]}; none for a blank line or a comment.
     */
    static String[] fields(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return new String[0];
        }
        String[] split = trimmed.split("\\s+");
        if (split[0].startsWith("@")) {
            return split;
        }
        String[] withMarker = new String[split.length + 1];
        withMarker[0] = "";
        System.arraycopy(split, 0, withMarker, 1, split.length);
        return withMarker;
    }

    /** A file's content and its index: the content is compared on each read, so no change can go unseen. */
    private record Indexed(String content, Index index) {}

    /**
     * @param lines       the file's lines
     * @param byName      the numbers of the lines that list a plain host name, by that name
     * @param matchedEach the numbers of the lines whose hosts must be matched against each host
     */
    private record Index(List<String> lines, Map<String, List<Integer>> byName, List<Integer> matchedEach) {

        static Index of(String content) {
            List<String> lines = content.lines().toList();
            Map<String, List<Integer>> byName = new HashMap<>();
            List<Integer> matchedEach = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String[] fields = fields(lines.get(i));
                if (fields.length < 2) {
                    continue;
                }
                List<String> hosts = List.of(fields[1].split(","));
                if (hosts.stream().allMatch(Index::plain)) {
                    for (String host : hosts) {
                        byName.computeIfAbsent(host, h -> new ArrayList<>()).add(i);
                    }
                } else {
                    matchedEach.add(i);
                }
            }
            return new Index(lines, byName, matchedEach);
        }

        /** A host pattern that matches exactly the name it spells. */
        private static boolean plain(String host) {
            return !host.isEmpty() && !host.startsWith("|") && !host.startsWith("!") && host.indexOf('*') < 0
                    && host.indexOf('?') < 0;
        }

        List<String> linesFor(String pattern) {
            List<Integer> candidates = new ArrayList<>(byName.getOrDefault(pattern, List.of()));
            candidates.addAll(matchedEach);
            candidates.sort(null);
            List<String> found = new ArrayList<>();
            for (int i : candidates) {
                String line = lines.get(i);
                if (mayApply(fields(line)[1], pattern)) {
                    found.add(line);
                }
            }
            return found;
        }
    }
}
