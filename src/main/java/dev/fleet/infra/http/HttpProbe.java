package dev.fleet.infra.http;

import dev.fleet.apply.ProbeFailure;
import dev.fleet.apply.ProbeFigures;
import dev.fleet.apply.ProbeTally;
import dev.fleet.apply.TrafficProbe;
import dev.fleet.desired.ProbeSpec;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code rollout.probe} over HTTP: a GET of the URL every period, sent without waiting for the ones
 * before it, each ended by the probe's timeout and read no further than {@link #BODY_CAP}, so one
 * slow answer never delays the next request. At most rate x its run requests are sent, and at most
 * rate x timeout are in flight. Redirects are not followed: a 3xx is an answer, as a client sees it.
 */
public final class HttpProbe implements TrafficProbe {

    /** A health page is small; more of a body is not read. */
    static final long BODY_CAP = 64 * 1024;

    private final Clock clock;

    public HttpProbe(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Running start(ProbeSpec spec) {
        return new Stream(spec, clock);
    }

    /** The kind of failure {@code outcome} is, or empty when it is a success. */
    static Optional<ProbeFailure> failure(BoundedHttp.Outcome outcome) {
        return switch (outcome) {
            case BoundedHttp.Answered answered -> ProbeFailure.ofStatus(answered.status());
            case BoundedHttp.TooLarge tooLarge -> ProbeFailure.ofStatus(tooLarge.status());
            case BoundedHttp.TimedOut timedOut -> Optional.of(ProbeFailure.TIMEOUT);
            case BoundedHttp.Unreachable unreachable -> Optional.of(unreachable.cause() instanceof ConnectException
                    ? ProbeFailure.REFUSED : ProbeFailure.CONNECTION);
        };
    }

    /** One probe under way: its timer, its client, its requests in flight and its tally. */
    private static final class Stream implements Running {

        private final Clock clock;
        private final HttpClient client;
        private final BoundedHttp http;
        private final HttpRequest request;
        private final ProbeTally tally;
        private final ScheduledExecutorService timer;
        private final Set<CompletableFuture<BoundedHttp.Outcome>> inFlight = ConcurrentHashMap.newKeySet();
        private ProbeFigures stopped;

        Stream(ProbeSpec spec, Clock clock) {
            this.clock = clock;
            this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(spec.timeout())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            this.http = new BoundedHttp(client, spec.timeout(), BODY_CAP);
            this.request = HttpRequest.newBuilder(spec.url()).GET().timeout(spec.timeout())
                    .header("User-Agent", "fleet-probe").build();
            this.tally = new ProbeTally(spec.url().toString(), clock.instant());
            this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "fleet-probe");
                thread.setDaemon(true);
                return thread;
            });
            timer.scheduleAtFixedRate(this::send, 0, spec.period().toNanos(), TimeUnit.NANOSECONDS);
        }

        private void send() {
            Instant sent = clock.instant();
            CompletableFuture<BoundedHttp.Outcome> outcome = http.sendAsync(request);
            inFlight.add(outcome);
            outcome.thenAccept(ended -> count(outcome, sent, ended));
        }

        private void count(CompletableFuture<BoundedHttp.Outcome> outcome, Instant sent, BoundedHttp.Outcome ended) {
            // Only what ended while the probe ran counts: removal races with stop(), which drops the rest.
            if (inFlight.remove(outcome)) {
                failure(ended).ifPresentOrElse(tally::failed, () -> tally.succeeded(sent));
            }
        }

        @Override
        public ProbeFigures figures() {
            return tally.figures(clock.instant());
        }

        @Override
        public synchronized ProbeFigures stop() {
            if (stopped == null) {
                timer.shutdownNow();
                Set<CompletableFuture<BoundedHttp.Outcome>> dropped = Set.copyOf(inFlight);
                inFlight.clear();
                stopped = tally.figures(clock.instant());
                dropped.forEach(outcome -> outcome.cancel(true));
                client.shutdownNow();
            }
            return stopped;
        }
    }
}
