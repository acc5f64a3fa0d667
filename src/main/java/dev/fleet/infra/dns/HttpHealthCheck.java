package dev.fleet.infra.dns;

import dev.fleet.dns.HealthCheck;
import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a droplet as a DNS client reaches it: {@code GET http://ADDRESS:PORT/PATH} at each public
 * address, from where fleet runs, like a balancer's health check. Passes when every address
 * answers the expected status in time.
 *
 * <p>The addresses are asked at once, and each whole answer, body included, must come within the
 * timeout: so a check ends within its timeout, however many addresses and however slow the
 * droplet. Only the status counts: at most {@link #BODY_CAP} bytes of a body are read, and a longer
 * body is not a failure.
 */
public final class HttpHealthCheck implements HealthCheck {

    /** Enough for any health endpoint's answer; a page larger than this is not read further. */
    static final long BODY_CAP = 64 * 1024;

    private final int port;
    private final String path;
    private final int expectStatus;
    private final BoundedHttp http;

    public HttpHealthCheck(int port, String path, int expectStatus, Duration timeout) {
        this.port = port;
        this.path = path;
        this.expectStatus = expectStatus;
        this.http = new BoundedHttp(HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build(),
                timeout, BODY_CAP);
    }

    /** How long a check takes at most: its timeout (the addresses are asked at once). */
    public Duration timeout() {
        return http.deadline();
    }

    @Override
    public Result check(String droplet, List<String> addresses) {
        List<URI> uris = new ArrayList<>();
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (String address : addresses) {
            String host = address.contains(":") ? "[" + address + "]" : address;
            URI uri = URI.create("http://" + host + ":" + port + path);
            uris.add(uri);
            outcomes.add(http.sendAsync(HttpRequest.newBuilder(uri).header("User-Agent", "fleet-dns-watch").GET()
                    .build()));
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            Outcome outcome;
            try {
                outcome = BoundedHttp.await(outcomes.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcomes.forEach(pending -> pending.cancel(true));
                return new Result(false, "interrupted while checking " + String.join(", ", addresses));
            }
            int status = switch (outcome) {
                case Answered answered -> answered.status();
                case TooLarge tooLarge -> tooLarge.status();
                default -> -1;
            };
            if (status < 0) {
                failures.add(uris.get(i) + " " + outcome.describe());
            } else if (status != expectStatus) {
                failures.add(uris.get(i) + " answered " + status + " (expected " + expectStatus + ")");
            }
        }
        return failures.isEmpty() ? new Result(true, "healthy at " + String.join(", ", addresses))
                : new Result(false, String.join("; ", failures));
    }
}
