package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.rollout.watch.DnsView;
import java.time.Instant;

/**
 * The watch page's DNS failover, for a state with a dns section: the name, the records it
 * publishes after the last round, each droplet's check in that round, and the last changes and
 * alerts. Pure.
 */
final class DnsSection {

    private DnsSection() {}

    static void render(StringBuilder html, DnsView dns, Instant now) {
        html.append("<section id=\"dns\">\n<h2>DNS: ").append(HtmlReport.escape(dns.name())).append("</h2>\n");
        html.append("<p class=\"meta\">").append(HtmlReport.escape(dns.provider())).append(" &middot; records of ")
                .append(Durations.setting(dns.ttl())).append(" TTL &middot; a round every ")
                .append(Durations.setting(dns.interval())).append("</p>\n");
        if (dns.last().isEmpty()) {
            html.append("<p>No DNS round yet.</p>\n</section>\n");
            return;
        }
        DnsView.Round round = dns.last().get();
        html.append("<p>Last round: ").append(round.number()).append(", ")
                .append(HtmlReport.escape(WatchPage.ago(round.at(), now))).append("</p>\n");
        round.failure().ifPresent(f -> html.append("<p class=\"banner bad\" id=\"dns-failure\">")
                .append(HtmlReport.escape(f)).append("</p>\n"));
        html.append("<table id=\"dns-checks\">\n<thead><tr><th>Droplet</th><th>Check</th><th>Seen</th></tr></thead>\n"
                + "<tbody>\n");
        for (DnsView.Check check : round.checks()) {
            html.append("<tr><td>").append(HtmlReport.escape(check.droplet())).append("</td><td><span class=\"status ")
                    .append(check.passed() ? "ok\">passed" : "bad\">failed").append("</span></td><td>")
                    .append(HtmlReport.escape(check.detail())).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
        if (round.published().isEmpty() && round.failure().isEmpty()) {
            html.append("<p>No record published.</p>\n");
        } else if (!round.published().isEmpty()) {
            html.append("<p>Published:</p>\n<ul id=\"dns-records\">\n");
            round.published().forEach(r -> html.append("<li><code>").append(HtmlReport.escape(r)).append("</code></li>\n"));
            html.append("</ul>\n");
        }
        if (!dns.told().isEmpty()) {
            html.append("<p>Last changes and alerts, the newest first:</p>\n<ul id=\"dns-told\">\n");
            dns.told().forEach(t -> html.append("<li data-kind=\"").append(HtmlReport.escape(t.kind())).append("\">")
                    .append(HtmlReport.escape(WatchPage.ago(t.at(), now) + ": " + t.text())).append("</li>\n"));
            html.append("</ul>\n");
        }
        html.append("</section>\n");
    }
}
