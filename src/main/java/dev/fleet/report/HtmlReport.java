package dev.fleet.report;

import dev.fleet.drift.DriftReport;

/** One self-contained HTML page: no script, no external style sheet, no font to fetch. */
final class HtmlReport {

    static final String STYLE = """
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1d2330; }
            h1 { font-size: 1.4em; margin: 0 0 .3em; }
            p.meta { color: #5b6475; margin: 0 0 1.2em; }
            table { border-collapse: collapse; width: 100%; }
            th, td { text-align: left; padding: .45em .7em; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
            th { font-size: .8em; letter-spacing: .05em; color: #5b6475; }
            code { font: 12px ui-monospace, monospace; }
            .status { font-weight: 600; border-radius: 4px; padding: .1em .45em; white-space: nowrap; }
            .ok { background: #dcf5e3; color: #13602b; }
            .warn { background: #fff1cc; color: #7a5200; }
            .bad { background: #fde0e0; color: #8f1d1d; }
            p.summary { font-weight: 600; margin-top: 1em; }
            """;

    private HtmlReport() {}

    static String render(DriftReport report) {
        var html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.append("<title>fleet drift: ").append(escape(report.service())).append("</title>\n");
        html.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>fleet drift: ").append(escape(report.service()))
                .append(report.clean() ? " is in sync" : " has drifted").append("</h1>\n");
        html.append("<p class=\"meta\">").append(escape(ReportRows.heading(report))).append("</p>\n");
        report.balancerProblem().ifPresent(p -> html.append("<p class=\"meta\">Balancer could not be asked: ")
                .append(escape(p)).append("</p>\n"));
        table(html, report);
        html.append("<p class=\"summary\">").append(escape(report.summary())).append("</p>\n");
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    /** The drift's table: a row per droplet, then one per unmanaged container. */
    static void table(StringBuilder html, DriftReport report) {
        html.append("<table>\n<thead><tr>");
        ReportRows rows = ReportRows.of(report);
        for (String column : rows.header()) {
            html.append("<th>").append(column).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (ReportRows.Row row : rows.rows()) {
            var cells = row.cells();
            html.append("<tr data-droplet=\"").append(escape(row.droplet())).append("\" data-status=\"")
                    .append(row.status()).append("\">");
            html.append("<td>").append(escape(row.shown())).append("</td>");
            html.append("<td><span class=\"status ").append(tone(row.status())).append("\">").append(row.status())
                    .append("</span></td>");
            html.append("<td><code>").append(escape(cells.get(0))).append("</code></td>");
            html.append("<td><code>").append(escape(cells.get(1))).append("</code></td>");
            for (String cell : cells.subList(2, cells.size())) {
                html.append("<td>").append(escape(cell)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static String tone(String status) {
        return switch (status) {
            case "IN_SYNC" -> "ok";
            case "IMAGE_DRIFT", "CONFIG_DRIFT", "UNMANAGED" -> "warn";
            default -> "bad";
        };
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
