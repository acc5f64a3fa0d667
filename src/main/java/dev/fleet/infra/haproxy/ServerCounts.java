package dev.fleet.infra.haproxy;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What HAProxy counted of one server's traffic since it started (or its counters were cleared):
 * requests it sent there, and those that failed.
 *
 * @param requests answers of any status, plus connections that failed before an answer
 * @param failed   5xx answers, connection errors and response errors (a server that closed or
 *                 broke its answer)
 */
public record ServerCounts(long requests, long failed) {

    private static final List<String> ANSWERS =
            List.of("hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other");

    /** Each server of {@code backend} by name, from {@code show stat}'s CSV. */
    static Map<String, ServerCounts> parse(String csv, String backend) throws IOException {
        ShowStat stat = ShowStat.parse(csv);
        int[] answers = ANSWERS.stream().mapToInt(stat::column).toArray();
        int fiveHundreds = stat.column("hrsp_5xx");
        int connectionErrors = stat.column("econ");
        int responseErrors = stat.column("eresp");
        if (stat.column("pxname") < 0 || stat.column("svname") < 0 || Arrays.stream(answers).anyMatch(i -> i < 0)
                || connectionErrors < 0 || responseErrors < 0) {
            throw new IOException("'show stat' lacks the columns of answers by status, econ or eresp: is the backend"
                    + " in mode http?");
        }
        Map<String, ServerCounts> servers = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> server : stat.servers(backend).entrySet()) {
            String[] fields = server.getValue();
            if (fields.length < stat.columns()) {
                continue;
            }
            long answered = Arrays.stream(answers).mapToLong(i -> count(fields[i])).sum();
            long unconnected = count(fields[connectionErrors]);
            servers.put(server.getKey(), new ServerCounts(answered + unconnected,
                    count(fields[fiveHundreds]) + unconnected + count(fields[responseErrors])));
        }
        return servers;
    }

    private static long count(String field) {
        try {
            return field.isEmpty() ? 0 : Long.parseLong(field);
        } catch (NumberFormatException e) {
            return 0; // a counter HAProxy left blank or wrote otherwise: nothing counted
        }
    }
}
