package dev.fleet.report;

import dev.fleet.drift.DriftReport;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.Style;

/** Aligned columns for a terminal. */
final class TableReport {

    /*
     * Colours through picocli's own ANSI support. The columns are laid out here, not by picocli's
     * TextTable: it reads @|...|@ markup inside cells, and a cell may hold a droplet's own words.
     */
    private static final Ansi ANSI = Ansi.ON;

    private TableReport() {}

    static String render(DriftReport report, boolean colour) {
        ReportRows rows = ReportRows.of(report);
        List<List<String>> lines = new ArrayList<>();
        lines.add(rows.header());
        rows.rows().forEach(row -> lines.add(row.all()));
        int columns = ReportRows.HEADER.size();
        int[] widths = new int[columns];
        for (List<String> line : lines) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("fleet drift: ").append(ReportRows.heading(report)).append('\n');
        report.balancerProblem().ifPresent(p -> out.append("balancer: could not be asked: ").append(p).append('\n'));
        for (int l = 0; l < lines.size(); l++) {
            List<String> line = lines.get(l);
            for (int i = 0; i < columns; i++) {
                String cell = line.get(i);
                // The last column is not padded: no trailing blanks.
                String padded = i == columns - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2);
                out.append(colour && l > 0 && i == 1 ? paint(cell, padded) : padded);
            }
            out.append('\n');
        }
        String summary = report.summary();
        out.append(colour ? ANSI.apply(summary, List.of(Style.bold)) : summary).append('\n');
        return out.toString();
    }

    private static String paint(String status, String padded) {
        Style colour = switch (status) {
            case "IN_SYNC" -> Style.fg_green;
            case "IMAGE_DRIFT", "CONFIG_DRIFT", "UNMANAGED" -> Style.fg_yellow;
            default -> Style.fg_red;
        };
        return ANSI.apply(status, List.of(colour)) + padded.substring(status.length());
    }
}
