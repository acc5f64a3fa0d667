package dev.fleet.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.Revision;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.drift.Health;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.watch.DnsView;
import dev.fleet.rollout.watch.RecentApplies;
import dev.fleet.rollout.watch.SyncRounds;
import dev.fleet.rollout.watch.WatchStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The watch page's history of applies, its plots and its DNS section. */
class WatchPageTest {

    private static final String V1 = "sha256:" + "a1".repeat(32);
    private static final String V2 = "sha256:" + "b2".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    /** What a droplet, or whoever wrote the history, could put in a field: markup. */
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";

    private final ApplyRecord older = new ApplyRecord("run-old", "ci@runner", "0123456789ab", NOW.minusSeconds(7200),
            Duration.ofSeconds(95), "rolled-back", List.of(droplet("droplet-1", "rolled-back"),
                    droplet("droplet-2", "skipped")), Optional.of("droplet-1: not healthy " + HOSTILE));
    private final ApplyRecord newer = new ApplyRecord("run-new", "alice@laptop " + HOSTILE, "fedcba987654",
            NOW.minusSeconds(600), Duration.ofMillis(24_300), "converged", List.of(droplet("droplet-1", "converged"),
                    droplet("droplet-2", "converged")), Optional.empty(), List.of("migrate on droplet-1: ran, 2.0s"));

    @Test
    void theAppliesShowNewestFirstWhoWhichStateHowLongAndEachDropletsResult() {
        String page = WatchPage.render(status(new RecentApplies(List.of(newer, older), Optional.of(NOW.minusSeconds(30)),
                Optional.empty()), SyncRounds.NONE, Optional.empty()), NOW);

        String applies = page.substring(page.indexOf("<table id=\"applies\">"));
        assertThat(applies.indexOf("data-run=\"run-new\"")).isLessThan(applies.indexOf("data-run=\"run-old\""));
        assertThat(applies).contains("data-result=\"converged\"").contains("fedcba987654").contains("24.3s")
                .contains("droplet-2: converged").contains("droplet-1: rolled back").contains("droplet-2: skipped")
                .contains("<dt>Hook</dt><dd>migrate on droplet-1: ran, 2.0s</dd>").contains("<dt>Stopped</dt>")
                .contains("2026-12-02 09:50:00Z (600s ago)");
        assertThat(page).contains("read 2026-12-02 09:59:30Z (30s ago)");
    }

    @Test
    void everyTextFromTheHistoryIsEscaped() {
        String page = WatchPage.render(status(new RecentApplies(List.of(newer, older), Optional.of(NOW), Optional.of(
                "droplet-1 said " + HOSTILE)), SyncRounds.NONE, Optional.of(dns())), NOW);

        assertThat(page).doesNotContain(HOSTILE).contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void aHistoryThatCouldNotBeReadSaysWhyAndKeepsWhatWasReadBefore() {
        String never = WatchPage.render(status(new RecentApplies(List.of(), Optional.empty(), Optional.of("no droplet"
                + " answered")), SyncRounds.NONE, Optional.empty()), NOW);
        String before = WatchPage.render(status(new RecentApplies(List.of(newer), Optional.of(NOW.minusSeconds(90)),
                Optional.of("no droplet answered")), SyncRounds.NONE, Optional.empty()), NOW);
        String none = WatchPage.render(status(new RecentApplies(List.of(), Optional.of(NOW), Optional.empty()),
                SyncRounds.NONE, Optional.empty()), NOW);

        assertThat(never).contains("id=\"history-problem\"").contains("not be read: no droplet answered")
                .doesNotContain("<table id=\"applies\">");
        assertThat(before).contains("not be read again; what was read before is shown: no droplet answered")
                .contains("data-run=\"run-new\"");
        assertThat(none).contains("No apply recorded yet.");
    }

    @Test
    void thePlotsAreInlineSvgWithAPointPerRoundAndABarPerApply() throws Exception {
        SyncRounds rounds = SyncRounds.NONE;
        for (int i = 0; i < 5; i++) {
            rounds = rounds.with(NOW.minusSeconds(150 - 30L * i), drift(i < 2 ? DropletStatus.IMAGE_DRIFT
                    : DropletStatus.IN_SYNC));
        }

        String page = WatchPage.render(status(new RecentApplies(List.of(newer, older), Optional.of(NOW), Optional.empty()),
                rounds, Optional.empty()), NOW);

        assertThat(page).as("nothing fetched from elsewhere").doesNotContain("<script", "src=\"", "href=\"");
        String sync = svg(page, "sync-plot");
        assertThat(SvgPlotTest.parse(sync).getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(sync).contains("data-points=\"10\"");
        String durations = svg(page, "durations-plot");
        assertThat(SvgPlotTest.parse(durations).getElementsByTagName("rect").getLength()).isEqualTo(2);
        assertThat(durations).contains("95.0s").contains("fedcba987654, converged, 24.3s");
    }

    @Test
    void beforeAnyRoundThePageSaysSoRatherThanDrawingNothing() {
        String page = WatchPage.render(status(RecentApplies.NONE, SyncRounds.NONE, Optional.empty()), NOW);

        assertThat(page).contains("No round observed the fleet yet.").contains("The fleet's history is not read yet")
                .doesNotContain("<svg").doesNotContain("id=\"dns\"");
    }

    @Test
    void theDnsSectionShowsTheNameItsRecordsEachCheckAndTheLastChanges() {
        String page = WatchPage.render(status(RecentApplies.NONE, SyncRounds.NONE, Optional.of(dns())), NOW);

        String dns = page.substring(page.indexOf("<section id=\"dns\">"));
        assertThat(dns).contains("<h2>DNS: www.example.test.</h2>").contains("powerdns").contains("60s TTL")
                .contains("a round every 5s").contains("Last round: 42, 2026-12-02 09:59:58Z (2s ago)")
                .contains("<code>www.example.test. 60 A 192.0.2.1</code>").doesNotContain("192.0.2.2</code>")
                .contains("<td>droplet-2</td><td><span class=\"status bad\">failed</span>")
                .contains("data-kind=\"dns_removed\"");
    }

    @Test
    void aDnsSectionBeforeItsFirstRoundSaysSo() {
        String page = WatchPage.render(status(RecentApplies.NONE, SyncRounds.NONE, Optional.of(new DnsView(
                "www.example.test.", "cloudflare", Duration.ofSeconds(60), Duration.ofSeconds(5), Optional.empty(),
                List.of()))), NOW);

        assertThat(page).contains("<section id=\"dns\">").contains("No DNS round yet.");
    }

    private static DnsView dns() {
        return new DnsView("www.example.test.", "powerdns", Duration.ofSeconds(60), Duration.ofSeconds(5),
                Optional.of(new DnsView.Round(42, NOW.minusSeconds(2), List.of(new DnsView.Check("droplet-1", true,
                        "200 in 12ms"), new DnsView.Check("droplet-2", false, "connection refused " + HOSTILE)),
                        List.of("www.example.test. 60 A 192.0.2.1"), Optional.empty())),
                List.of(new DnsView.Told(NOW.minusSeconds(10), "dns_removed", "fleet: removed www.example.test. 60 A"
                        + " 192.0.2.2 (droplet-2): failed 2 checks in a row")));
    }

    private static String svg(String page, String id) {
        Matcher matcher = Pattern.compile("(?s)<svg[^>]* id=\"" + id + "\".*?</svg>").matcher(page);
        assertThat(matcher.find()).as(page).isTrue();
        return matcher.group();
    }

    private static ApplyRecord.DropletRecord droplet(String name, String result) {
        return new ApplyRecord.DropletRecord(name, V1, V2, result, List.of("pull: 1.0s"));
    }

    private static DriftReport drift(DropletStatus second) {
        return new DriftReport(Path.of("/clone/fleet.yaml"), new Revision(Optional.of("0123456789abcdef0123456789abcdef"
                + "01234567"), false), "demo", NOW, List.of(dropletDrift("droplet-1", DropletStatus.IN_SYNC),
                dropletDrift("droplet-2", second)), Optional.empty());
    }

    private static DropletDrift dropletDrift(String name, DropletStatus status) {
        return new DropletDrift(name, status, V1, Optional.of(status == DropletStatus.IN_SYNC ? V1 : V2), Health.HEALTHY,
                Optional.of("UP"), Optional.of(NOW.minusSeconds(60)), "a reason", List.of());
    }

    private static WatchStatus status(RecentApplies applies, SyncRounds sync, Optional<DnsView> dns) {
        WatchStatus start = WatchStatus.starting(NOW.minusSeconds(600), "file fleet.yaml", false, Duration.ofSeconds(30));
        return new WatchStatus(start.started(), start.source(), start.applying(), start.interval(), start.sourceProblem(),
                start.stateProblem(), start.drift(), start.lastRound(), start.lastSuccess(), start.lastRollout(),
                start.rollouts(), start.durations(), start.failuresInARow(), start.nextRound(), applies, sync, dns);
    }
}
