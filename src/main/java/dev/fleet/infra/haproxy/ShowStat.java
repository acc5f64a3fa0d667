package dev.fleet.infra.haproxy;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's {@code show stat} CSV, read by its header, so that column changes between versions do
 * no harm: the one reader of it, for servers' states and for their counters.
 */
final class ShowStat {

    private final List<String> header;
    private final List<String> lines;

    private ShowStat(List<String> header, List<String> lines) {
        this.header = header;
        this.lines = lines;
    }

    static ShowStat parse(String csv) throws IOException {
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IOException("unexpected answer to 'show stat': " + firstLine(csv));
        }
        return new ShowStat(Arrays.asList(lines[0].substring(2).split(",", -1)),
                Arrays.asList(lines).subList(1, lines.length));
    }

    /** The index of a column, or -1 when this HAProxy does not write it. */
    int column(String name) {
        return header.indexOf(name);
    }

    int columns() {
        return header.size();
    }

    /** Whether {@code backend} has a line (servers, or its BACKEND summary) of more than {@code lastColumn} fields. */
    boolean hasBackend(String backend, int lastColumn) {
        int proxy = column("pxname");
        return lines.stream().map(line -> line.split(",", -1))
                .anyMatch(fields -> fields.length > Math.max(proxy, lastColumn) && fields[proxy].equals(backend));
    }

    /** The fields of each server of {@code backend}, by server name (not its BACKEND or FRONTEND line). */
    Map<String, String[]> servers(String backend) throws IOException {
        int proxy = column("pxname");
        int server = column("svname");
        if (proxy < 0 || server < 0) {
            throw new IOException("'show stat' lacks the pxname or svname column");
        }
        Map<String, String[]> servers = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length > Math.max(proxy, server) && fields[proxy].equals(backend)
                    && !fields[server].equals("BACKEND") && !fields[server].equals("FRONTEND")) {
                servers.put(fields[server], fields);
            }
        }
        return servers;
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "(nothing)" : line;
    }
}
