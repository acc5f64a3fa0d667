package dev.fleet.infra.web;

import dev.fleet.infra.http.BoundedHttp;
import dev.fleet.infra.http.BoundedHttp.Answered;
import dev.fleet.infra.http.BoundedHttp.Outcome;
import dev.fleet.infra.http.BoundedHttp.TimedOut;
import dev.fleet.infra.http.BoundedHttp.TooLarge;
import dev.fleet.infra.http.BoundedHttp.Unreachable;
import dev.fleet.report.EventJson;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.WatchEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Posts each event as JSON ({@link EventJson}) to a webhook URL, in order, each post bounded by a
 * timeout, body included. A receiver that fails or does not answer is logged (by its host only: a
 * webhook URL's path is often its secret) and the event is dropped; the watch goes on.
 *
 * <p>{@link #notify} never waits for the receiver: events wait in a queue of {@value #CAPACITY} that
 * one sender thread empties. The watch loop and the DNS rounds both tell it, so a receiver that
 * stalls must hold neither. When the queue is full the oldest event waiting is dropped, counted,
 * and logged.
 */
public final class WebhookNotifier implements Notifier {

    static final int CAPACITY = 100;
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A receiver's answer is not used; enough of it is read to see its status. */
    private static final long ANSWER_CAP = 64 * 1024;

    private final URI url;
    private final BoundedHttp http;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<WatchEvent> waiting = new ArrayDeque<>();
    private boolean posting;
    private long dropped;

    public WebhookNotifier(URI url) {
        this(url, TIMEOUT, CAPACITY);
    }

    WebhookNotifier(URI url, Duration timeout, int capacity) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("a webhook URL is http or https, not " + url.getScheme());
        }
        this.url = url;
        this.capacity = capacity;
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

    private void post(WatchEvent event) {
        HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.render(event))).build();
        Outcome outcome;
        try {
            outcome = http.send(request);
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
            case Unreachable unreachable -> "could not be reached (" + unreachable.cause().getClass().getSimpleName()
                    + ")";
        };
        if (failure != null) {
            LOG.warnf("The webhook at %s %s when told of %s at %s; that event is dropped", describe(), failure,
                    event.name(), event.at());
        }
    }
}
