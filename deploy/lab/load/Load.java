import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded, fixed-rate load generator for the lab's balancer: GET URL at RATE requests per second
 * until STOP_FILE exists, or SECONDS have passed, or MAX requests were sent, whichever is first.
 * Counts every answer that is not a 200 and every request that failed outright, and which app
 * versions answered, in order of first and last appearance. Prints one JSON line at the end.
 *
 *   java deploy/lab/load/Load.java URL RATE SECONDS [STOP_FILE]
 *
 * Only loopback URLs: it is meant for the lab's own balancer.
 */
public class Load {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]*)\"");
    private static final long MAX_REQUESTS = 200_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Load URL RATE SECONDS [STOP_FILE]");
            System.exit(1);
        }
        URI uri = URI.create(args[0]);
        if (!uri.getHost().equals("127.0.0.1") && !uri.getHost().equals("localhost")) {
            System.err.println("Load: only loopback URLs (the lab's balancer), not " + uri.getHost());
            System.exit(1);
        }
        int rate = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        if (rate < 1 || rate > 2000 || seconds < 1 || seconds > 1800) {
            System.err.println("Load: RATE must be 1-2000 and SECONDS 1-1800");
            System.exit(1);
        }
        Path stopFile = args.length > 3 ? Path.of(args[3]) : null;

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong maxMillis = new AtomicLong();
        Map<String, Long> versions = new ConcurrentHashMap<>();
        Map<String, Long> lastSeen = new ConcurrentHashMap<>();
        Map<String, Long> failures = new ConcurrentHashMap<>();

        System.err.println("Load: started, " + rate + " requests/s on " + uri);
        System.err.flush();
        long start = System.nanoTime();
        long interval = 1_000_000_000L / rate;
        long end = start + seconds * 1_000_000_000L;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long next = start; System.nanoTime() < end && sent.get() < MAX_REQUESTS; next += interval) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (stopFile != null && sent.get() % 20 == 0 && Files.exists(stopFile)) {
                    break;
                }
                sent.incrementAndGet();
                pool.submit(() -> {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        long now = System.nanoTime();
                        maxMillis.accumulateAndGet((now - t0) / 1_000_000, Math::max);
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                            Matcher m = VERSION.matcher(response.body());
                            String version = m.find() ? m.group(1) : "?";
                            versions.merge(version, 1L, Long::sum);
                            lastSeen.merge(version, now, Math::max);
                        } else {
                            failed.incrementAndGet();
                            failures.merge("HTTP " + response.statusCode(), 1L, Long::sum);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                    }
                });
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        StringBuilder json = new StringBuilder();
        json.append("{\"requests\":").append(sent.get()).append(",\"ok\":").append(ok.get())
                .append(",\"failed\":").append(failed.get())
                .append(",\"seconds\":").append(String.format(java.util.Locale.ROOT, "%.1f", took))
                .append(",\"ratePerSecond\":").append(String.format(java.util.Locale.ROOT, "%.1f", sent.get() / took))
                .append(",\"maxMillis\":").append(maxMillis.get())
                .append(",\"versions\":").append(object(new TreeMap<>(versions)))
                .append(",\"lastVersion\":\"").append(lastSeen.entrySet().stream().max(Map.Entry.comparingByValue())
                        .map(Map.Entry::getKey).orElse("")).append('"')
                .append(",\"failures\":").append(object(new TreeMap<>(failures)))
                .append('}');
        System.out.println(json);
    }

    private static String object(Map<String, Long> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }
}
