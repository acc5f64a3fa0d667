package dev.fleet.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.lab.Figures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state loader against thousands of generated and mutated files: YAML bombs and alias chains,
 * deep nesting, huge files, odd encodings, random byte and line damage to valid files, and values
 * made to look like shell. Every one must end as a valid state or as a refusal that says where and
 * what, within 2 s, without any other exception, and without a connection to the droplets or the
 * registry the files name (a socket listens there and counts).
 *
 * <p>Deterministic: the seed is fixed, and a file that breaks the rule is kept under
 * {@code target/fuzz-failures/} with its number.
 */
class StateFileFuzzTest {

    private static final long SEED = 0x5eed_2026_1202L;
    private static final int MUTATED = 1_200;
    private static final Duration LIMIT = Duration.ofSeconds(2);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]+");

    @TempDir
    Path dir;

    @Test
    void everyFileEndsAsAValidStateOrAClearRefusalQuicklyAndNothingConnects() throws Exception {
        StateFixture fixture = new StateFixture(dir);
        try (ServerSocket droplet = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String minimal = Files.readString(StateFixture.resource("valid/minimal.yaml"))
                    .replace("10.0.0.1", "127.0.0.1").replace("host: 10.0.0.2", "host: 127.0.0.1\n    port: "
                            + droplet.getLocalPort())
                    .replace("registry.example.com", "127.0.0.1:" + droplet.getLocalPort());
            List<byte[]> seeds = new ArrayList<>();
            seeds.add(minimal.getBytes(StandardCharsets.UTF_8));
            seeds.add(Files.readAllBytes(StateFixture.resource("valid/lab.yaml")));
            seeds.add(Files.readAllBytes(Path.of("fleet-state", "example.yaml")));
            for (String broken : BrokenStateFiles.names()) {
                seeds.add(Files.readAllBytes(BrokenStateFiles.source(broken)));
            }

            List<Case> cases = new ArrayList<>(hostile(minimal));
            Random random = new Random(SEED);
            for (int i = 0; i < MUTATED; i++) {
                byte[] seed = seeds.get(i % 4 == 0 ? 0 : random.nextInt(seeds.size()));
                cases.add(new Case("mutation " + i, mutate(seed, random)));
            }

            Map<String, Integer> outcomes = new LinkedHashMap<>();
            long slowestNanos = 0;
            String slowest = "";
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    Path file = fixture.dir.resolve("fuzz-" + i + ".yaml");
                    Files.write(file, c.bytes());
                    long started = System.nanoTime();
                    Future<String> load = pool.submit(() -> loadOnce(fixture, file));
                    String outcome;
                    try {
                        outcome = load.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        load.cancel(true);
                        throw failure(i, c, "took longer than " + LIMIT.toSeconds() + " s");
                    } catch (ExecutionException e) {
                        throw failure(i, c, "threw " + e.getCause());
                    }
                    long took = System.nanoTime() - started;
                    if (took > slowestNanos) {
                        slowestNanos = took;
                        slowest = c.name();
                    }
                    outcomes.merge(outcome, 1, Integer::sum);
                    Files.delete(file);
                }
            } finally {
                pool.shutdownNow();
            }

            droplet.setSoTimeout(1);
            assertThat(acceptedAny(droplet)).as("a connection to the droplet or registry the files name").isFalse();
            assertThat(cases).hasSizeGreaterThanOrEqualTo(1_000);
            assertThat(outcomes.getOrDefault("valid", 0)).as("mutations that still load: %s", outcomes).isPositive();
            assertThat(outcomes.getOrDefault("refused", 0)).as(outcomes.toString()).isPositive();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("files", cases.size());
            figures.put("outcomes", outcomes);
            figures.put("slowestMillis", slowestNanos / 1_000_000);
            figures.put("slowestFile", slowest);
            Figures.write("state-fuzz", figures);
            System.out.println("state file fuzz: " + figures);
        }
    }

    /** "valid" or "refused"; anything else is thrown as the failure it is. */
    private static String loadOnce(StateFixture fixture, Path file) {
        try {
            DesiredState state = fixture.loader().load(file);
            // What reaches a droplet's shell or Docker as a word must be a plain word.
            assertThat(state.service().name()).matches(SAFE_NAME);
            state.droplets().forEach(d -> {
                assertThat(d.name()).matches(SAFE_NAME);
                assertThat(d.host()).matches(SAFE_HOST);
            });
            assertThat(state.ssh().user()).matches(SAFE_NAME);
            state.service().environment().keySet().forEach(name -> assertThat(name).matches("[A-Za-z_][A-Za-z0-9_]*"));
            return "valid";
        } catch (InvalidStateException e) {
            assertThat(e.problems()).as("a refusal names its problems").isNotEmpty();
            assertThat(e.getMessage()).contains(file.getFileName().toString());
            for (StateProblem problem : e.problems()) {
                assertThat(problem.message()).isNotBlank();
                assertThat(problem.line()).isGreaterThanOrEqualTo(0);
            }
            assertThat(e.getMessage()).doesNotContain(StateFixture.API_TOKEN, StateFixture.REGISTRY_PASSWORD,
                    StateFixture.SESSION_KEY).doesNotContain("Exception").doesNotContain("\tat ");
            return "refused";
        }
    }

    private record Case(String name, byte[] bytes) {}

    /** Files made to hurt: bombs, depth, size, encodings, shell in values. */
    private static List<Case> hostile(String valid) {
        List<Case> cases = new ArrayList<>();
        for (int width : new int[] {2, 9, 30}) {
            for (int depth : new int[] {3, 9, 20}) {
                cases.add(utf8("billion laughs " + width + "x" + depth, laughs(width, depth)));
            }
        }
        cases.add(utf8("alias chain", aliasChain(500)));
        cases.add(utf8("merge-key bomb", "a: &a {x: 1}\nb: &b\n  <<: [*a, *a, *a, *a]\nc:\n  <<: [*b, *b, *b, *b]\n"));
        cases.add(utf8("self-referencing anchor", "service: &s\n  name: demo\n  self: *s\n"));
        cases.add(utf8("alias to nothing", "service: *nowhere\n"));
        cases.add(utf8("anchored keys", valid.replaceFirst("service:", "&k service:")));
        for (int depth : new int[] {11, 50, 1_000, 100_000}) {
            cases.add(utf8("flow nesting " + depth, "service: " + "[".repeat(depth) + "]".repeat(depth) + "\n"));
            cases.add(utf8("open flow nesting " + depth, "service: " + "{a: ".repeat(depth) + "\n"));
        }
        StringBuilder block = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            block.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        cases.add(utf8("block nesting 200", block.toString()));
        cases.add(new Case("1 MiB + 1 of spaces", " ".repeat(SafeYaml.MAX_BYTES + 1).getBytes(StandardCharsets.UTF_8)));
        cases.add(utf8("one huge value", valid.replace("name: demo", "name: " + "d".repeat(SafeYaml.MAX_BYTES - 2_000))));
        cases.add(utf8("one huge line", "service: \"" + "x".repeat(SafeYaml.MAX_BYTES - 20) + "\"\n"));
        StringBuilder keys = new StringBuilder("service:\n");
        for (int i = 0; keys.length() < SafeYaml.MAX_BYTES - 100; i++) {
            keys.append("  k").append(i).append(": v\n");
        }
        cases.add(utf8("tens of thousands of keys", keys.toString()));
        StringBuilder droplets = new StringBuilder(valid.substring(0, valid.indexOf("droplets:")) + "droplets:\n");
        for (int i = 0; droplets.length() < SafeYaml.MAX_BYTES - 2_000; i++) {
            droplets.append("  - name: d").append(i).append("\n    host: 10.1.").append(i / 250 % 250).append('.')
                    .append(i % 250).append('\n');
        }
        droplets.append(valid.substring(valid.indexOf("ssh:")));
        cases.add(utf8("ten thousand droplets", droplets.toString()));
        cases.add(utf8("many documents", "---\n".repeat(10_000)));
        cases.add(utf8("two documents", valid + "---\n" + valid));
        cases.add(utf8("empty", ""));
        cases.add(utf8("a comment only", "# nothing\n"));
        cases.add(utf8("a scalar", "just text\n"));
        cases.add(utf8("a list", "- a\n- b\n"));
        cases.add(utf8("python object tag", "service: !!python/object/apply:os.system ['touch /tmp/pwned']\n"));
        cases.add(utf8("java object tag", "service: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader"
                + " [[!!java.net.URL [\"http://127.0.0.1:1/\"]]]]\n"));
        cases.add(utf8("yaml directive", "%YAML 1.1\n%TAG ! tag:evil,2026:\n---\n" + valid));
        for (Charset charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE,
                Charset.forName("UTF-32"), StandardCharsets.ISO_8859_1)) {
            cases.add(new Case(charset.name(), valid.replace("demo", "démo").getBytes(charset)));
            cases.add(new Case(charset.name() + " with BOM", ("\uFEFF" + valid).getBytes(charset)));
        }
        cases.add(utf8("UTF-8 BOM", "\uFEFF" + valid));
        cases.add(new Case("invalid UTF-8", concat(valid.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28})));
        cases.add(new Case("overlong UTF-8 slash", concat("service: ".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC0, (byte) 0xAF})));
        cases.add(new Case("NUL bytes", valid.replace("\n", "\n\0").getBytes(StandardCharsets.UTF_8)));
        cases.add(utf8("CRLF", valid.replace("\n", "\r\n")));
        cases.add(utf8("CR only", valid.replace("\n", "\r")));
        cases.add(utf8("Unicode line separators", valid.replace("\n", "\u2028")));
        cases.add(utf8("tabs for indentation", valid.replace("  ", "\t")));
        cases.add(utf8("control characters", valid.replace("demo", "de\u001bmo\u0007")));
        cases.add(utf8("right-to-left override", valid.replace("name: demo", "name: \u202Eomed")));
        String[] shell = {"demo; rm -rf /", "$(touch /tmp/pwned)", "`id`", "demo\nrm -rf /", "demo && reboot",
            "-oProxyCommand=sh", "../../etc", "demo|nc 127.0.0.1 1", "'quoted'", "\"dq\"", "x'$(id)'"};
        for (String s : shell) {
            String quoted = "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
            cases.add(utf8("service name " + s, valid.replace("name: demo", "name: " + quoted)));
            cases.add(utf8("droplet name " + s, valid.replace("name: droplet-1", "name: " + quoted)));
            cases.add(utf8("host " + s, valid.replace("host: 127.0.0.1\n    port", "host: " + quoted + "\n    port")));
            cases.add(utf8("ssh user " + s, valid.replace("user: deploy", "user: " + quoted)));
            cases.add(utf8("port " + s, valid.replace("[\"80:80\"]", "[" + quoted + "]")));
            cases.add(utf8("environment name " + s, valid.replace("  ports:", "  environment:\n    " + quoted
                    + ": x\n  ports:")));
            cases.add(utf8("environment value " + s, valid.replace("  ports:", "  environment:\n    MODE: " + quoted
                    + "\n  ports:")));
            cases.add(utf8("image " + s, valid.replace("image: ", "image: " + quoted + "#")));
        }
        return cases;
    }

    private static String laughs(int width, int depth) {
        StringBuilder yaml = new StringBuilder("l0: &l0 \"lol\"\n");
        for (int level = 1; level <= depth; level++) {
            yaml.append('l').append(level).append(": &l").append(level).append(" [");
            for (int i = 0; i < width; i++) {
                yaml.append(i == 0 ? "" : ", ").append("*l").append(level - 1);
            }
            yaml.append("]\n");
        }
        return yaml.append("service: *l").append(depth).append('\n').toString();
    }

    private static String aliasChain(int length) {
        StringBuilder yaml = new StringBuilder("a0: &a0 x\n");
        for (int i = 1; i < length; i++) {
            yaml.append('a').append(i).append(": &a").append(i).append(" *a").append(i - 1).append('\n');
        }
        return yaml.toString();
    }

    private static final String[] TOKENS = {"&a ", "*a", "!!str ", "!x ", "{", "}", "[", "]", "- ", ": ", "\"", "'",
        "|", ">", "%YAML 1.2\n", "---\n", "...\n", "\t", "\0", "\uFEFF", "? ", "<<: ", "#", "\n", "  ", "~", "null",
        "1e999", "99999999999999999999999", "-1", "0x", "\\u0000", "\u00e9", "\ud83d\ude80", "${HOME}", "$(id)",
        "`id`", ";", "\r", "&", "*"};

    /** One to four random edits of a seed: bytes flipped, inserted, cut; lines dropped, doubled, swapped, shifted. */
    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            bytes = switch (random.nextInt(8)) {
                case 0 -> flipByte(bytes, random);
                case 1 -> insert(bytes, random, TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 2 -> cut(bytes, random);
                case 3 -> lines(bytes, random, 0);
                case 4 -> lines(bytes, random, 1);
                case 5 -> lines(bytes, random, 2);
                case 6 -> lines(bytes, random, 3);
                default -> insert(bytes, random, randomBytes(random, 1 + random.nextInt(8)));
            };
        }
        return bytes;
    }

    private static byte[] flipByte(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return bytes;
        }
        byte[] copy = bytes.clone();
        copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }

    private static byte[] insert(byte[] bytes, Random random, byte[] what) {
        int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
        byte[] out = new byte[bytes.length + what.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(bytes, at, out, at + what.length, bytes.length - at);
        return out;
    }

    private static byte[] cut(byte[] bytes, Random random) {
        if (bytes.length < 2) {
            return bytes;
        }
        int from = random.nextInt(bytes.length);
        int length = 1 + random.nextInt(Math.min(40, bytes.length - from));
        byte[] out = new byte[bytes.length - length];
        System.arraycopy(bytes, 0, out, 0, from);
        System.arraycopy(bytes, from + length, out, from, bytes.length - from - length);
        return out;
    }

    /** 0 drops a line, 1 doubles one, 2 swaps two, 3 shifts one's indentation. */
    private static byte[] lines(byte[] bytes, Random random, int how) {
        List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1)));
        if (lines.size() < 2) {
            return bytes;
        }
        int i = random.nextInt(lines.size());
        int j = random.nextInt(lines.size());
        switch (how) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> {
                String line = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, line);
            }
            default -> lines.set(i, random.nextBoolean() ? " " + lines.get(i) : lines.get(i).replaceFirst("^ ", ""));
        }
        return String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Case utf8(String name, String text) {
        return new Case(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean acceptedAny(ServerSocket socket) throws IOException {
        try {
            socket.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static final AtomicInteger KEPT = new AtomicInteger();

    private static AssertionError failure(int index, Case c, String what) {
        Path kept = Path.of("target", "fuzz-failures", index + ".yaml");
        try {
            Files.createDirectories(kept.getParent());
            Files.write(kept, c.bytes());
            KEPT.incrementAndGet();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AssertionError("fuzz file " + index + " (" + c.name() + ", kept as " + kept + ") " + what);
    }
}
