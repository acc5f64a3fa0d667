package dev.fleet.infra.dns;

import dev.fleet.dns.HealthCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a droplet as a DNS client reaches it: {@code GET http://ADDRESS:PORT/PATH} at each public
 * address, from where fleet runs, like a balancer's health check. Passes when every address
 * answers the expected status in time.
 */
public final class HttpHealthCheck implements HealthCheck {

    private final int port;
    private final String path;
    private final int expectStatus;
    private final Duration timeout;
    private final HttpClient http;

    public HttpHealthCheck(int port, String path, int expectStatus, Duration timeout) {
        this.port = port;
        this.path = path;
        this.expectStatus = expectStatus;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Result check(String droplet, List<String> addresses) {
        List<String> failures = new ArrayList<>();
        for (String address : addresses) {
            String host = address.contains(":") ? "[" + address + "]" : address;
            URI uri = URI.create("http://" + host + ":" + port + path);
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                        .header("User-Agent", "fleet-dns-watch").GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != expectStatus) {
                    failures.add(uri + " answered " + response.statusCode() + " (expected " + expectStatus + ")");
                }
            } catch (HttpTimeoutException e) {
                failures.add(uri + " did not answer within " + timeout.toMillis() + "ms");
            } catch (IOException e) {
                failures.add(uri + " did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(uri + ": interrupted");
            }
        }
        return failures.isEmpty() ? new Result(true, "healthy at " + String.join(", ", addresses))
                : new Result(false, String.join("; ", failures));
    }
}
