package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.rollout.watch.WatchStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The live drift page {@code fleet watch} serves at {@code /}: the last observation's table, and
 * what the watch itself is doing (its source and whether it is stale, the last round, the last
 * rollout). It reloads itself; no script, nothing fetched from elsewhere. Pure.
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
                .append("dt { color: #5b6475; }\n").append("</style>\n</head>\n<body>\n");
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
        html.append("</dl>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void item(StringBuilder html, String term, String value) {
        html.append("<dt>").append(term).append("</dt><dd>").append(HtmlReport.escape(value)).append("</dd>\n");
    }

    private static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        String at = then.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
        return at + " (" + seconds + "s ago)";
    }
}
