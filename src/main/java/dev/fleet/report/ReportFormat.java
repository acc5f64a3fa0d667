package dev.fleet.report;

import dev.fleet.drift.DriftReport;

/** The ways a drift report can be written out. */
public enum ReportFormat {
    /** Aligned columns for a terminal; colour only when asked for (on a TTY). */
    TABLE,
    /** JSON following the {@value JsonReport#SCHEMA} schema described in the README. */
    JSON,
    /** GitHub-flavoured Markdown, fit for a job summary. */
    MARKDOWN,
    /** One self-contained HTML page. */
    HTML;

    /** Renders the report. {@code colour} only matters for {@link #TABLE}. */
    public String render(DriftReport report, boolean colour) {
        return switch (this) {
            case TABLE -> TableReport.render(report, colour);
            case JSON -> JsonReport.render(report);
            case MARKDOWN -> MarkdownReport.render(report);
            case HTML -> HtmlReport.render(report);
        };
    }
}
