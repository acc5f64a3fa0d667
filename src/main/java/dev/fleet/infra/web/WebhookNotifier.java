package dev.fleet.infra.web;

import dev.fleet.desired.Durations;
import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TimedOut;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import dev.fleet.infra.http.BoundedHttp.Unreachable;
import dev.fleet.report.EventJson;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.WatchEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Posts each event as JSON ({@link EventJson}) to a webhook URL, in order, each post bounded by a
 * timeout, body included. A receiver that answers 5xx or 429, does not answer in time or cannot be
 * reached is tried again, {@value #ATTEMPTS} times in all, after a pause that doubles; one that still
 * fails, or refuses the event (another 4xx), is logged (by its host only: a webhook URL's path is
 * often its secret) and the event is dropped; the watch or the apply goes on.
 *
 * <p>With a signing key, each post carries {@code X-Fleet-Timestamp} (Unix seconds) and {@code
 * X-Fleet-Signature-256: sha256=HEX}, the HMAC-SHA256 of {@code TIMESTAMP.BODY} under the key, so a
 * receiver can check who sent it and when (and refuse a replay). {@code X-Fleet-Delivery} is the
 * same on every try of one event, for a receiver that saw an earlier try to tell it is a repeat.
 *
 * <p>{@link #notify} never waits for the receiver: events wait in a queue of {@value #CAPACITY} that
 * one sender thread empties. The watch loop and the DNS rounds both tell it, so a receiver that
 * stalls must hold neither. When the queue is full the oldest event waiting is dropped, counted,
 * and logged.
 */
public final class WebhookNotifier implements Notifier {

    static final int CAPACITY = 100;
    static final int ATTEMPTS = 3;
    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    public static final String SECRET_VARIABLE = "FLEET_WEBHOOK_SECRET";
    public static final String SECRET_FILE_VARIABLE = "FLEET_WEBHOOK_SECRET_FILE";
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A receiver's answer is not used; enough of it is read to see its status. */
    private static final long ANSWER_CAP = 64 * 1024;

    private final URI url;
    private final Optional<byte[]> signingKey;
    private final BoundedHttp http;
    private final int capacity;
    private final Duration firstPause;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<WatchEvent> waiting = new ArrayDeque<>();
    private boolean posting;
    private long dropped;

    /** @param signingKey the key posts are signed with, if any ({@link #signingKeyFrom}) */
    public WebhookNotifier(URI url, Optional<byte[]> signingKey) {
        this(url, signingKey, TIMEOUT, CAPACITY, FIRST_PAUSE, Clock.systemUTC());
    }

    WebhookNotifier(URI url, Duration timeout, int capacity) {
        this(url, Optional.empty(), timeout, capacity, FIRST_PAUSE, Clock.systemUTC());
    }

    WebhookNotifier(URI url, Optional<byte[]> signingKey, Duration timeout, int capacity, Duration firstPause,
            Clock clock) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("a webhook URL is http or https, not " + url.getScheme());
        }
        this.url = url;
        this.signingKey = signingKey.map(byte[]::clone);
        this.capacity = capacity;
        this.firstPause = firstPause;
        this.clock = clock;
        this.http = new BoundedHttp(HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build(), timeout, ANSWER_CAP);
        Thread.ofPlatform().daemon().name("fleet-webhook").start(this::postInOrder);
    }

    /** The receiver in words, for logs: its scheme, host and port, never its path. */
    public String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + "/...";
    }

    /** Queues {@code event} for the sender and returns at once. */
    @Override
    public void notify(WatchEvent event) {
        WatchEvent lost;
        long droppedSoFar;
        lock.lock();
        try {
            lost = waiting.size() >= capacity ? waiting.removeFirst() : null;
            droppedSoFar = lost == null ? dropped : ++dropped;
            waiting.addLast(event);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (lost != null) {
            LOG.warnf("The webhook at %s is behind (%d events waiting): dropped the oldest, %s of %s; %d dropped"
                    + " so far", describe(), capacity, lost.name(), lost.at(), droppedSoFar);
        }
    }

    /** How many events were dropped because the queue was full. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every event told so far has been posted (or failed), at most {@code within}: for a
     * process about to end. Returns whether the queue emptied.
     */
    @Override
    public boolean drain(Duration within) throws InterruptedException {
        long left = within.toNanos();
        lock.lock();
        try {
            while (!waiting.isEmpty() || posting) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void postInOrder() {
        while (true) {
            WatchEvent event;
            lock.lock();
            try {
                posting = false;
                changed.signalAll();
                while (waiting.isEmpty()) {
                    changed.awaitUninterruptibly();
                }
                event = waiting.removeFirst();
                posting = true;
            } finally {
                lock.unlock();
            }
            post(event);
        }
    }

    /**
     * The signing key from {@code FLEET_WEBHOOK_SECRET}, or from the file {@code
     * FLEET_WEBHOOK_SECRET_FILE} names (one trailing line break dropped); empty when neither is set.
     *
     * @throws IllegalArgumentException when both are set, or the file cannot be read or is empty
     */
    public static Optional<byte[]> signingKeyFrom(Map<String, String> environment) {
        String value = environment.getOrDefault(SECRET_VARIABLE, "");
        String file = environment.getOrDefault(SECRET_FILE_VARIABLE, "");
        if (!value.isEmpty() && !file.isEmpty()) {
            throw new IllegalArgumentException(SECRET_VARIABLE + " and " + SECRET_FILE_VARIABLE + " are both set:"
                    + " keep one");
        }
        if (!file.isEmpty()) {
            try {
                value = Files.readString(Path.of(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("the webhook's signing key file " + file + " (from "
                        + SECRET_FILE_VARIABLE + ") cannot be read: " + e.getClass().getSimpleName());
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("the webhook's signing key file " + file + " (from "
                        + SECRET_FILE_VARIABLE + ") is empty");
            }
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code sha256=HEX}: the signature of {@code body} sent at {@code timestamp} (Unix seconds) under {@code key}. */
    static String signature(byte[] key, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this runtime", e);
        }
    }

    private void post(WatchEvent event) {
        String body = EventJson.render(event);
        String delivery = UUID.randomUUID().toString();
        Duration pause = firstPause;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Outcome outcome;
            try {
                outcome = http.send(request(event, body, delivery));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // The cause's class only: a message may quote the URL, and its path is often the secret.
            String failure = switch (outcome) {
                case Answered answered when answered.status() / 100 == 2 -> null;
                case TooLarge tooLarge when tooLarge.status() / 100 == 2 -> null;
                case Answered answered -> "answered " + answered.status();
                case TooLarge tooLarge -> "answered " + tooLarge.status();
                case TimedOut timedOut -> timedOut.describe();
                case Unreachable unreachable -> "could not be reached ("
                        + unreachable.cause().getClass().getSimpleName() + ")";
            };
            if (failure == null) {
                return;
            }
            if (attempt == ATTEMPTS || !worthAnotherTry(outcome)) {
                LOG.warnf("The webhook at %s %s when told of %s at %s (try %d of %d); that event is dropped",
                        describe(), failure, event.name(), event.at(), attempt, ATTEMPTS);
                return;
            }
            LOG.infof("The webhook at %s %s when told of %s; trying again in %s", describe(), failure, event.name(),
                    Durations.setting(pause));
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = pause.multipliedBy(2);
        }
    }

    /** A receiver that is down, overloaded or slow may take it later; one that refused it will not. */
    private static boolean worthAnotherTry(Outcome outcome) {
        return switch (outcome) {
            case Answered answered -> answered.status() / 100 == 5 || answered.status() == 429;
            case TooLarge tooLarge -> tooLarge.status() / 100 == 5 || tooLarge.status() == 429;
            case TimedOut timedOut -> true;
            case Unreachable unreachable -> true;
        };
    }

    private HttpRequest request(WatchEvent event, String body, String delivery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .header("User-Agent", "fleet").header("X-Fleet-Event", event.name())
                .header("X-Fleet-Delivery", delivery).POST(HttpRequest.BodyPublishers.ofString(body));
        signingKey.ifPresent(key -> {
            long timestamp = clock.instant().getEpochSecond();
            request.header("X-Fleet-Timestamp", Long.toString(timestamp))
                    .header("X-Fleet-Signature-256", signature(key, timestamp, body));
        });
        return request.build();
    }
}
