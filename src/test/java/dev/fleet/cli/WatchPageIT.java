package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet watch}'s page on a real lab, rendered by headless Chromium: the applies it shows come
 * from the fleet's history, so they are there again after the watch restarts; an apply run by hand
 * while it watches shows up without a restart; the plots are inline SVG with their points. The
 * tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchPageIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern POINTS = Pattern.compile("<svg[^>]* id=\"sync-plot\" data-points=\"(\\d+)\"");

    @TempDir
    static Path temp;

    private static FleetProcess.Running watch;
    private static URI page;
    private static String firstRun;
    private static String secondRun;

    @AfterAll
    static void stop() {
        if (watch != null) {
            watch.close();
        }
    }

    @Test
    @Order(1)
    void theWatchShowsAnApplyRunBeforeItBeganFromTheFleetsHistory() throws Exception {
        firstRun = applyImage("LAB_IMAGE_V1", "LAB_IMAGE_V2");
        startWatch();

        String dom = awaitPage("the apply before the watch", body -> body.contains("data-run=\"" + firstRun + "\""));

        assertThat(dom).contains("<table id=\"applies\">").contains("data-result=\"converged\"")
                .contains("droplet-1: converged").contains("droplet-2: converged");
    }

    @Test
    @Order(2)
    void anApplyByHandWhileTheWatchRunsShowsUpWithoutARestart() throws Exception {
        secondRun = applyImage("LAB_IMAGE_V2", "LAB_IMAGE_V1");

        String dom = awaitPage("the apply by hand", body -> body.contains("data-run=\"" + secondRun + "\""));

        assertThat(dom.indexOf("data-run=\"" + secondRun + "\"")).as("the newest first")
                .isLessThan(dom.indexOf("data-run=\"" + firstRun + "\""));
        // The rounds while it rolled: droplets out of sync, then back.
        HeadlessChromium.screenshot(temp, Path.of("target", "watch-page-apply.png").toAbsolutePath(), "1280,1600",
                page.toString());
    }

    @Test
    @Order(3)
    void afterARestartTheAppliesAreStillOnThePageBesideThePlots() throws Exception {
        int exit = watch.stop();
        assertThat(exit).as(watch.stdout() + watch.stderr()).isIn(0, 143);
        startWatch();

        String dom = awaitPage("the applies after a restart, and rounds to plot", body -> body.contains("data-run=\""
                + firstRun + "\"") && body.contains("data-run=\"" + secondRun + "\"") && points(body) >= 2 * 8);

        assertThat(dom).contains("fleet watch: demo is in sync").containsPattern("<polyline class=\"series\"[^>]* points=\"")
                .containsPattern("<svg[^>]* id=\"durations-plot\" data-points=\"2\"").contains("<rect class=\"bar\"");
        HeadlessChromium.screenshot(temp, Path.of("target", "watch-page-history.png").toAbsolutePath(), "1280,1600",
                page.toString());
    }

    // ---------------------------------------------------------------- helpers

    private static Lab lab() {
        return lab.get();
    }

    /** Commits the state with {@code to} instead of {@code from}, applies it by hand, and returns the apply's run. */
    private static String applyImage(String from, String to) throws IOException {
        lab().commitState(state -> state.replace(lab().env(from), lab().env(to)), "deploy " + to);
        String stateFile = lab().stateFile().toString();
        FleetProcess.Result apply = FleetProcess.run("apply", "--yes", "--state", stateFile);
        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        FleetProcess.Result history = FleetProcess.run("history", "-o", "json", "--limit", "1", "--state", stateFile);
        assertThat(history.exitCode()).as(history.stdout() + history.stderr()).isZero();
        JsonNode last = JSON.readTree(history.stdout()).path("entries").path(0);
        assertThat(last.path("result").asText()).isEqualTo("converged");
        return last.path("run").asText();
    }

    /** Starts a watch, reporting only, on the port of the one before it when there was one. */
    private static void startWatch() throws IOException {
        if (page == null) {
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                page = URI.create("http://127.0.0.1:" + free.getLocalPort() + "/");
            }
        }
        watch = FleetProcess.start(Map.of(), "watch", "--state", lab().stateFile().toString(), "--interval",
                "1s", "--listen", "127.0.0.1:" + page.getPort(), "--workdir", temp.resolve("watch").toString());
    }

    /** The page as Chromium renders it, once {@code condition} holds of it (within 60 s). */
    private static String awaitPage(String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = "nothing";
        while (System.nanoTime() < deadline) {
            assertThat(watch.isAlive()).as("fleet watch ended: %s%n%s", watch.stdout(), watch.stderr()).isTrue();
            try {
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                last = answer.body();
                if (answer.statusCode() == 200 && condition.test(answer.body())) {
                    String dom = HeadlessChromium.run(temp, "--dump-dom", page.toString());
                    assertThat(condition.test(dom)).as("Chromium's DOM of the page:%n%s", dom).isTrue();
                    return dom;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("waited 60s for " + what + "; the page:\n" + last + "\nfleet watch said:\n"
                + watch.stdout() + watch.stderr());
    }

    private static int points(String body) {
        Matcher matcher = POINTS.matcher(body);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
