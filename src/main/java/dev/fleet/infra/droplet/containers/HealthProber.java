package dev.fleet.infra.droplet.containers;

import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.observed.HealthProbe;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Probes an app's health as its state describes it: the health endpoint must answer the expected
 * status, and each content check's path must answer 2xx with its text in the body (Dokku's CHECKS).
 * Every check runs, so a report lists all that fail, one line each.
 */
public final class HealthProber {

    /** One GET on the droplet. */
    @FunctionalInterface
    interface Http {
        /**
         * @throws InterruptedIOException when no answer came within {@code timeout}
         * @throws IOException            when there was no usable answer at all
         */
        HttpAnswer get(String path, int port, Duration timeout) throws IOException;
    }

    private final Http http;

    public HealthProber(Http http) {
        this.http = http;
    }

    public HealthProbe probe(HealthSpec spec) {
        List<String> failures = new ArrayList<>();
        Optional<HttpAnswer> health = get(spec.path(), spec, failures);
        Optional<Integer> status = health.map(HttpAnswer::status);
        if (health.isPresent() && health.get().status() != spec.expectStatus()) {
            failures.add(spec.path() + " answered " + health.get().status() + " (expected " + spec.expectStatus() + ")");
        }
        for (HealthSpec.ContentCheck check : spec.checks()) {
            get(check.path(), spec, failures).ifPresent(answer -> {
                if (answer.status() < 200 || answer.status() > 299) {
                    failures.add(check.path() + " answered " + answer.status() + " (expected 2xx)");
                } else if (!answer.body().contains(check.expect())) {
                    failures.add(check.path() + " answered " + answer.status() + " but does not contain \""
                            + check.expect() + "\"");
                }
            });
        }
        return new HealthProbe(status, failures);
    }

    /** The answer, or empty with the reason added to {@code failures}. */
    private Optional<HttpAnswer> get(String path, HealthSpec spec, List<String> failures) {
        if (!HttpAnswer.isRequestPath(path)) {
            failures.add(path + " is not a path fleet can request (it must start with / and hold no spaces)");
            return Optional.empty();
        }
        try {
            return Optional.of(http.get(path, spec.port(), spec.timeout()));
        } catch (InterruptedIOException e) {
            failures.add(path + " did not answer within " + Durations.timeout(spec.timeout()));
        } catch (IOException e) {
            failures.add(path + " did not answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        return Optional.empty();
    }
}
