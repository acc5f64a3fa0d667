package dev.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The folder tree is the architecture, and these rules keep it so, read from the sources: a pure
 * core that knows no edge, a command line that only turns results into text, one place that knows
 * the kinds of balancer, and files and methods short enough to read.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dev/fleet");
    private static final Set<String> CORE = Set.of("desired", "observed", "drift", "plan", "apply", "report", "dns",
            "cloud", "rollout", "streams");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+);", Pattern.MULTILINE);

    @Test
    void theCoreImportsNoEdgeAndNoCommandLine() {
        List<String> found = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (CORE.contains(topPackage(file))) {
                imports(text).stream().filter(i -> i.startsWith("dev.fleet.infra") || i.startsWith("dev.fleet.cli")
                        || i.startsWith("dev.fleet.balancer") || i.startsWith("dev.fleet.wiring"))
                        .forEach(i -> found.add(file + " imports " + i));
            }
        });
        assertThat(found).isEmpty();
    }

    @Test
    void theCommandLineOnlyTurnsResultsIntoTextAndExitCodes() {
        List<String> found = new ArrayList<>();
        Pattern logic = Pattern.compile("dev\\.fleet\\.(infra|balancer|lock\\.(LeaseStore|Acquisition)|plan\\.Planner"
                + "|drift\\.DriftDetector|apply\\.Executor|observed\\.FleetObserver)\\b|net\\.schmizz|com\\.hierynomus"
                + "|com\\.github\\.dockerjava|org\\.eclipse\\.jgit");
        sources().forEach((file, text) -> {
            if (topPackage(file).equals("cli")) {
                imports(text).stream().filter(i -> logic.matcher(i).find()).forEach(i -> found.add(file + " imports " + i));
                long lines = text.lines().count();
                if (lines > 150) {
                    found.add(file + " has " + lines + " lines");
                }
            }
        });
        assertThat(found).isEmpty();
    }

    @Test
    void theKindsOfBalancerAreToldApartInOnePlaceOnly() {
        Pattern kind = Pattern.compile("case BalancerSpec\\.|instanceof BalancerSpec\\.");
        List<String> found = new ArrayList<>();
        sources().forEach((file, text) -> {
            if (kind.matcher(text).find() && !file.equals("balancer/Balancers.java")
                    && !file.startsWith("desired/load/")) {
                found.add(file);
            }
        });
        assertThat(found).as("files that switch over balancer kinds outside balancer/Balancers and the loader")
                .isEmpty();
    }

    @Test
    void noSourceFileIsLongerThan350LinesNorAnyMethodLongerThan60() {
        List<String> found = new ArrayList<>();
        sources().forEach((file, text) -> {
            List<String> lines = text.lines().toList();
            // java.net.Socket's overrides make this one long by themselves.
            if (lines.size() > 350 && !file.equals("infra/docker/EngineSocket.java")) {
                found.add(file + " has " + lines.size() + " lines");
            }
            longMethods(lines).forEach(method -> found.add(file + ": " + method));
        });
        assertThat(found).isEmpty();
    }

    @Test
    void noNameIsWrittenFullyQualifiedInCode() {
        Pattern qualified = Pattern.compile("(?<![\\w.@\"])(java|javax|jakarta|dev\\.fleet)(\\.[a-z]\\w*)+\\.[A-Z]");
        List<String> found = new ArrayList<>();
        sources().forEach((file, text) -> text.lines().map(String::strip)
                .filter(line -> !line.startsWith("import ") && !line.startsWith("package ") && !line.startsWith("*")
                        && !line.startsWith("/*") && !line.startsWith("//"))
                .map(line -> line.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\""))
                .filter(line -> qualified.matcher(line).find())
                .forEach(line -> found.add(file + ": " + line)));
        assertThat(found).isEmpty();
    }

    /** Methods and constructors whose body spans more than 60 lines, by their opening line. */
    private static List<String> longMethods(List<String> lines) {
        Pattern declaration = Pattern.compile("^( ++)(?!return |new |throw |else |case )"
                + "(?:(?:public|private|protected|static|final|synchronized|default|abstract)\\s+)*"
                + "(?:<[^>]+>\\s+)?(?:[\\w.<>\\[\\], ?]+\\s+)?\\w+\\s*\\([^;]*\\)\\s*(?:throws [\\w., ]+)?\\{$");
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = declaration.matcher(lines.get(i));
            if (!matcher.matches() || lines.get(i).contains("->") || lines.get(i).contains("=")
                    || lines.get(i).strip().startsWith("if ") || lines.get(i).strip().startsWith("for ")
                    || lines.get(i).strip().startsWith("while ") || lines.get(i).strip().startsWith("switch ")
                    || lines.get(i).strip().startsWith("try ") || lines.get(i).strip().startsWith("catch ")) {
                continue;
            }
            String end = matcher.group(1) + "}";
            int j = i + 1;
            while (j < lines.size() && !lines.get(j).equals(end)) {
                j++;
            }
            if (j - i + 1 > 60) {
                found.add("line " + (i + 1) + " starts a method of " + (j - i + 1) + " lines");
            }
        }
        return found;
    }

    private static String topPackage(String file) {
        int slash = file.indexOf('/');
        return slash < 0 ? "" : file.substring(0, slash);
    }

    private static List<String> imports(String text) {
        List<String> imports = new ArrayList<>();
        Matcher matcher = IMPORT.matcher(text);
        while (matcher.find()) {
            imports.add(matcher.group(1));
        }
        return imports;
    }

    /** Every main source file by its path under dev/fleet, with its text. */
    private static Map<String, String> sources() {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(MAIN.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(sources).hasSizeGreaterThan(100);
        return sources;
    }
}
