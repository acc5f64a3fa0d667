package dev.fleet.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a bot posts for {@code fleet plan -o json}: the Markdown that {@code deploy/github/deploy.yml}'s
 * {@code PLAN_MARKDOWN} jq filter makes of it, run with the real {@code jq}, as the workflow runs it.
 */
final class PlanMarkdownBot {

    private static final Path TEMPLATE = Path.of("deploy/github/deploy.yml");

    private PlanMarkdownBot() {}

    /** The Markdown for {@code planJson}. */
    static String markdown(String planJson) {
        try {
            Process jq = new ProcessBuilder("jq", "-r", filter()).redirectErrorStream(true).start();
            try (var in = jq.getOutputStream()) {
                in.write(planJson.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jq.waitFor(30, TimeUnit.SECONDS) || jq.exitValue() != 0) {
                throw new IllegalStateException("jq failed on the plan: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The filter of the workflow's Plan step. */
    @SuppressWarnings("unchecked")
    private static String filter() throws IOException {
        Map<String, Object> workflow = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(TEMPLATE));
        for (Object job : ((Map<String, Object>) workflow.get("jobs")).values()) {
            for (Map<String, Object> step : (List<Map<String, Object>>) ((Map<String, Object>) job).get("steps")) {
                if ("Plan".equals(step.get("name"))) {
                    return (String) ((Map<String, Object>) step.get("env")).get("PLAN_MARKDOWN");
                }
            }
        }
        throw new IllegalStateException(TEMPLATE + " has no Plan step");
    }
}
