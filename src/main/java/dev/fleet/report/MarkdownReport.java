package dev.fleet.report;

import dev.fleet.drift.DriftReport;

/** GitHub-flavoured Markdown, fit for {@code $GITHUB_STEP_SUMMARY}. */
final class MarkdownReport {

    private MarkdownReport() {}

    static String render(DriftReport report) {
        var md = new StringBuilder();
        md.append("### fleet drift: ").append(escape(report.service())).append(report.clean() ? " is in sync" : " has drifted")
                .append("\n\n");
        md.append("Service `").append(report.service()).append("`, state `").append(report.stateFile().getFileName())
                .append("` ")
                .append(report.revision().commit().isPresent() ? "at `" + report.revision().describe() + "`"
                        : "(" + report.revision().describe() + ")")
                .append(", observed ")
                .append(ReportRows.TIME.format(report.observedAt())).append(".\n\n");
        report.balancerProblem().ifPresent(p -> md.append("> Balancer could not be asked: ").append(escape(p)).append("\n\n"));
        ReportRows rows = ReportRows.of(report);
        md.append("| ").append(rows.services() ? "Droplet/Service" : "Droplet").append(" | Status | Desired | Running | Health | Balancer | Since | Reason |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ReportRows.Row row : rows.rows()) {
            var cells = row.cells();
            md.append("| ").append(escape(row.shown()))
                    .append(" | ").append(icon(row.status())).append(" **").append(row.status()).append("**")
                    .append(" | `").append(cells.get(0)).append('`')
                    .append(" | `").append(cells.get(1)).append('`');
            for (String cell : cells.subList(2, cells.size())) {
                md.append(" | ").append(escape(cell));
            }
            md.append(" |\n");
        }
        md.append("\n**").append(escape(report.summary())).append("**\n");
        return md.toString();
    }

    private static String icon(String status) {
        return switch (status) {
            case "IN_SYNC" -> "✅";
            case "IMAGE_DRIFT", "CONFIG_DRIFT", "UNMANAGED" -> "⚠️";
            default -> "❌";
        };
    }

    /** Keeps a cell one cell: pipes and line breaks would break the table, markup would restyle it. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
                .replace("*", "\\*").replace("_", "\\_").replace("`", "\\`");
    }
}
