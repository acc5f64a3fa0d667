package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.rollout.watch.SyncRounds;
import dev.fleet.rollout.watch.WatchStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The live status page {@code fleet watch} serves at {@code /}: the last observation's table, what
 * the watch itself is doing (its source and whether it is stale, the last round, the last rollout),
 * a plot of droplets in sync over its last rounds, the fleet's last applies from its history, and
 * the DNS failover when the state has a dns section. It reloads itself; no script, nothing fetched
 * from elsewhere, its plots inline SVG. Pure.
 */
public final class WatchPage {

    /** How often the page reloads itself. */
    static final int REFRESH_SECONDS = 5;

    private WatchPage() {}

    public static String render(WatchStatus status, Instant now) {
        var html = new StringBuilder();
        String service = status.drift().map(d -> d.service()).orElse("fleet");
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">\n");
        html.append("<title>fleet watch: ").append(HtmlReport.escape(service)).append("</title>\n");
        html.append("<style>\n").append(HtmlReport.STYLE)
                .append("p.banner { padding: .6em .9em; border-radius: 4px; }\n")
                .append("dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }\n")
                .append("dt { color: #5b6475; }\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>fleet watch: ").append(HtmlReport.escape(service)).append(status.drift()
                .map(d -> d.clean() ? " is in sync" : " has drifted").orElse(": first round pending")).append("</h1>\n");
        html.append("<p class=\"meta\">").append(HtmlReport.escape(status.source())).append(" &middot; ")
                .append(status.applying() ? "converging (--apply)" : "reporting only").append(" &middot; every ")
                .append(Durations.setting(status.interval())).append("</p>\n");
        status.sourceProblem().ifPresent(p -> html.append("<p class=\"banner bad\" id=\"stale\">Stale: the source could"
                + " not be fetched, the last state fetched stays in force: ").append(HtmlReport.escape(p)).append("</p>\n"));
        status.stateProblem().ifPresent(p -> html.append("<p class=\"banner bad\" id=\"invalid\">The latest state file is"
                + " invalid; the last valid one stays in force:<br><code>").append(HtmlReport.escape(p)
                .replace("\n", "<br>")).append("</code></p>\n"));
        status.drift().ifPresent(drift -> {
            html.append("<p class=\"meta\">").append(HtmlReport.escape(ReportRows.heading(drift))).append("</p>\n");
            HtmlReport.table(html, drift);
            html.append("<p class=\"summary\">").append(HtmlReport.escape(drift.summary())).append("</p>\n");
        });
        html.append("<dl>\n");
        item(html, "Last round", status.lastRound().map(r -> ago(r.ended(), now) + ", took " + Durations.took(r.took()))
                .orElse("none yet"));
        item(html, "Last success", status.lastSuccess().map(t -> ago(t, now)).orElse("none yet"));
        if (status.failuresInARow() > 0) {
            item(html, "Failed rounds in a row", String.valueOf(status.failuresInARow()));
        }
        item(html, "Next round", status.nextRound().map(t -> t.isAfter(now) ? "in " + Durations.took(Duration.between(now, t))
                : "now").orElse("-"));
        item(html, "Last rollout", status.lastRollout().map(r -> r.result().label() + ": state " + r.commit() + ", "
                + ago(r.started(), now) + ", took " + Durations.took(r.took()) + r.failure().map(f -> "; " + f).orElse(""))
                .orElse("none since the watch began"));
        html.append("</dl>\n");
        sync(html, status.sync());
        HistorySection.render(html, status.applies(), now);
        status.dns().ifPresent(dns -> DnsSection.render(html, dns, now));
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static final String STYLE = """
            h2 { font-size: 1.1em; margin: 1.8em 0 .4em; }
            .quiet { background: #eceef2; color: #3d4454; }
            figure { margin: .4em 0 1em; }
            figcaption { color: #5b6475; font-size: .85em; }
            svg { max-width: 100%; height: auto; }
            dl.figures { display: block; margin: 0; }
            dl.figures dt { font-size: .8em; }
            dl.figures dd { margin: 0 0 .3em; }
            td.when { white-space: nowrap; }
            """;

    /** Droplets in sync, and observed, at each of the watch's last rounds. */
    private static void sync(StringBuilder html, SyncRounds rounds) {
        html.append("<section id=\"rounds\">\n<h2>Droplets in sync</h2>\n");
        if (rounds.samples().isEmpty()) {
            html.append("<p>No round observed the fleet yet.</p>\n</section>\n");
            return;
        }
        List<SyncRounds.Sample> samples = rounds.samples();
        Instant first = samples.getFirst().at();
        List<SvgPlot.Point> inSync = samples.stream().map(s -> new SvgPlot.Point(seconds(first, s.at()), s.inSync())).toList();
        List<SvgPlot.Point> seen = samples.stream().map(s -> new SvgPlot.Point(seconds(first, s.at()), s.seen())).toList();
        int total = samples.stream().mapToInt(SyncRounds.Sample::total).max().orElse(0);
        html.append("<figure>\n").append(SvgPlot.lines("sync-plot", "Droplets in sync at each of the watch's last "
                + samples.size() + " rounds", List.of(new SvgPlot.Series("observed", SvgPlot.Tone.QUIET, false, seen),
                new SvgPlot.Series("in sync", SvgPlot.Tone.GOOD, true, inSync)), total, String.valueOf(total),
                at(first), at(samples.getLast().at())));
        html.append("<figcaption>Droplets in sync (green) and observed (grey) at each of the last ").append(samples.size())
                .append(" rounds since the watch began (at most ").append(SyncRounds.CAPACITY).append(")</figcaption>\n"
                + "</figure>\n</section>\n");
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static String at(Instant then) {
        return then.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", "");
    }

    private static void item(StringBuilder html, String term, String value) {
        html.append("<dt>").append(term).append("</dt><dd>").append(HtmlReport.escape(value)).append("</dd>\n");
    }

    /** {@code then} to the second, and how long before {@code now}. */
    static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        String at = then.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
        return at + " (" + seconds + "s ago)";
    }
}
