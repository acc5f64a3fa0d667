package dev.fleet.desired.load;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;

/**
 * State files made to hurt the loader, shared by the loader's fuzz test and the command-line one:
 * YAML bombs and alias chains, deep nesting, files at and over the size limit, odd encodings,
 * values made to look like shell, and random damage to valid files.
 */
public final class HostileStateFiles {

    private HostileStateFiles() {}

    /** A file's content and what it is, for messages. */
    public record Case(String name, byte[] bytes) {}

    /** Files made to hurt: bombs, depth, size, encodings, shell in values. */
    public static List<Case> hostile(String valid) {
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
        cases.add(new Case("the limit + 1 byte of spaces", " ".repeat(SafeYaml.MAX_BYTES + 1).getBytes(StandardCharsets.UTF_8)));
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
            cases.add(utf8("host " + s, valid.replaceFirst("host: \\S+", "host: "
                    + Matcher.quoteReplacement(quoted))));
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
    public static byte[] mutate(byte[] seed, Random random) {
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

}
