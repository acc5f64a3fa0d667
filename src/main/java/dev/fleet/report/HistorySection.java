package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.desired.ImageRef;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.watch.RecentApplies;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The watch page's history of applies, as {@code fleet history} reads it (so it outlives the watch):
 * a bar per apply for its duration, then a row per apply, the newest first: when, who, which
 * state, how long, its result, each droplet's, and the apply's figures. Pure.
 */
final class HistorySection {

    /** One of an apply's figures, shown beside it: what it measures and its value. */
    record Figure(String name, String value) {}

    private HistorySection() {}

    static void render(StringBuilder html, RecentApplies applies, Instant now) {
        html.append("<section id=\"history\">\n<h2>Applies</h2>\n<p class=\"meta\">");
        html.append(applies.read().map(read -> "The last applies by anyone, from the fleet's history (as fleet history"
                + " shows it); read " + WatchPage.ago(read, now)).orElse("The fleet's history is not read yet"));
        html.append("</p>\n");
        applies.problem().ifPresent(p -> html.append("<p class=\"banner warn\" id=\"history-problem\">The history could"
                + " not be read").append(applies.read().isPresent() ? " again; what was read before is shown: " : ": ")
                .append(HtmlReport.escape(p)).append("</p>\n"));
        if (applies.read().isPresent() && applies.newestFirst().isEmpty()) {
            html.append("<p>No apply recorded yet.</p>\n");
        }
        if (applies.newestFirst().isEmpty()) {
            html.append("</section>\n");
            return;
        }
        html.append(durations(applies.newestFirst()));
        html.append("<table id=\"applies\">\n<thead><tr><th>When</th><th>By</th><th>State</th><th>Took</th>"
                + "<th>Result</th><th>Droplets</th><th>Figures</th></tr></thead>\n<tbody>\n");
        for (ApplyRecord apply : applies.newestFirst()) {
            row(html, apply, now);
        }
        html.append("</tbody>\n</table>\n</section>\n");
    }

    private static void row(StringBuilder html, ApplyRecord apply, Instant now) {
        html.append("<tr data-run=\"").append(HtmlReport.escape(apply.run())).append("\" data-result=\"")
                .append(HtmlReport.escape(apply.result())).append("\">");
        html.append("<td class=\"when\">").append(HtmlReport.escape(WatchPage.ago(apply.started(), now))).append("</td>");
        html.append("<td>").append(HtmlReport.escape(apply.who())).append("</td>");
        html.append("<td><code>").append(HtmlReport.escape(apply.commit())).append("</code></td>");
        html.append("<td>").append(Durations.took(apply.took())).append("</td>");
        html.append("<td><span class=\"status ").append(tone(apply.result())).append("\">")
                .append(HtmlReport.escape(words(apply.result()))).append("</span></td>");
        html.append("<td>");
        for (ApplyRecord.DropletRecord droplet : apply.droplets()) {
            html.append("<span class=\"status ").append(tone(droplet.result())).append("\" title=\"")
                    .append(HtmlReport.escape((droplet.fromDigest().isEmpty() ? "nothing"
                            : ImageRef.shortForm(droplet.fromDigest())) + " -> " + ImageRef.shortForm(droplet.toDigest())))
                    .append("\">").append(HtmlReport.escape(droplet.droplet() + ": " + words(droplet.result())))
                    .append("</span> ");
        }
        html.append("</td><td>");
        List<Figure> figures = figures(apply);
        if (!figures.isEmpty()) {
            html.append("<dl class=\"figures\">");
            figures.forEach(f -> html.append("<dt>").append(HtmlReport.escape(f.name())).append("</dt><dd>")
                    .append(HtmlReport.escape(f.value())).append("</dd>"));
            html.append("</dl>");
        }
        html.append("</td></tr>\n");
    }

    /**
     * What the page says of an apply beside its result, in this order; the place for each new
     * figure an apply's record gains.
     */
    static List<Figure> figures(ApplyRecord apply) {
        List<Figure> figures = new ArrayList<>();
        apply.failure().ifPresent(failure -> figures.add(new Figure("Stopped", failure)));
        apply.probe().ifPresent(probe -> figures.add(new Figure("Probe",
                ProbeText.line(probe).substring("probe: ".length()))));
        apply.hooks().forEach(hook -> figures.add(new Figure("Hook", hook)));
        return figures;
    }

    /** A bar per apply, the oldest on the left, as tall as it took and coloured by its result. */
    private static String durations(List<ApplyRecord> newestFirst) {
        List<ApplyRecord> oldestFirst = newestFirst.reversed();
        List<SvgPlot.Bar> bars = oldestFirst.stream().map(a -> new SvgPlot.Bar(a.took().toMillis() / 1000.0,
                switch (tone(a.result())) {
                    case "ok" -> SvgPlot.Tone.GOOD;
                    case "warn" -> SvgPlot.Tone.WARN;
                    case "bad" -> SvgPlot.Tone.BAD;
                    default -> SvgPlot.Tone.QUIET;
                }, day(a.started()) + ": " + a.commit() + ", " + words(a.result()) + ", " + Durations.took(a.took())))
                .toList();
        String longest = Durations.took(oldestFirst.stream().map(ApplyRecord::took).max(Comparable::compareTo)
                .orElseThrow());
        return "<figure>\n" + SvgPlot.bars("durations-plot", "How long each apply took, the oldest on the left", bars,
                longest, day(oldestFirst.getFirst().started()), day(oldestFirst.getLast().started()))
                + "<figcaption>How long each apply took (green converged, amber rolled back, red failed or refused)"
                + "</figcaption>\n</figure>\n";
    }

    private static String day(Instant at) {
        return at.truncatedTo(ChronoUnit.MINUTES).toString().replace('T', ' ').replace("Z", "");
    }

    /** {@code rolled-back} as people write it. */
    private static String words(String result) {
        return result.replace('-', ' ');
    }

    private static String tone(String result) {
        return switch (result) {
            case "converged" -> "ok";
            case "rolled-back", "restored" -> "warn";
            case "failed", "refused" -> "bad";
            default -> "quiet";
        };
    }
}
