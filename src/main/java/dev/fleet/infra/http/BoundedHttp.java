package dev.fleet.infra.http;

import dev.fleet.desired.ByteCounts;
import dev.fleet.desired.Durations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP exchange with an end: the whole of it, from connecting to the last byte of the body, within
 * one deadline, and no more of the body kept than a cap. The JDK client's own request timeout ends
 * when the headers arrive, so a server that sends headers and then stalls, or trickles a byte now
 * and then, would otherwise hold the caller for ever; and a body read whole could fill the heap.
 *
 * <p>On the deadline or the cap the exchange is cancelled, which closes its connection. Every
 * outcome is a value: a call never throws but for an interrupt.
 */
public final class BoundedHttp {

    /** How an exchange ended. */
    public sealed interface Outcome {

        /** What the server did, in words that follow its name: "did not answer within 5s". */
        String describe();
    }

    /** A whole answer, within the deadline and the cap. */
    public record Answered(int status, HttpHeaders headers, byte[] body) implements Outcome {

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String describe() {
            return "answered HTTP " + status;
        }
    }

    /** The body went past the cap: reading stopped there. The status is the one the headers gave. */
    public record TooLarge(int status, long cap) implements Outcome {
        @Override
        public String describe() {
            return "answered HTTP " + status + " with a body of more than " + ByteCounts.text(cap) + ", more than fleet reads";
        }
    }

    /**
     * No whole answer within the deadline; {@code status} is there when the headers came and the
     * body did not end.
     */
    public record TimedOut(Duration deadline, OptionalInt status) implements Outcome {
        @Override
        public String describe() {
            return status.isEmpty() ? "did not answer within " + Durations.timeout(deadline)
                    : "answered HTTP " + status.getAsInt() + " but did not finish its body within "
                            + Durations.timeout(deadline);
        }
    }

    /** No answer at all: refused, reset, no route, TLS failed. */
    public record Unreachable(IOException cause) implements Outcome {
        @Override
        public String describe() {
            String message = cause.getMessage();
            return "could not be reached (" + cause.getClass().getSimpleName()
                    + (message == null || message.isBlank() ? "" : ": " + message) + ")";
        }
    }

    private final HttpClient http;
    private final Duration deadline;
    private final long cap;

    /**
     * @param http     the client; its connect timeout and redirect policy apply
     * @param deadline how long a whole exchange may take, body included
     * @param cap      how many bytes of a body are read at most
     */
    public BoundedHttp(HttpClient http, Duration deadline, long cap) {
        if (!deadline.isPositive() || cap <= 0) {
            throw new IllegalArgumentException("a deadline and a cap are positive, not " + deadline + " and " + cap);
        }
        this.http = http;
        this.deadline = deadline;
        this.cap = cap;
    }

    public Duration deadline() {
        return deadline;
    }

    /** Sends {@code request} and waits for its outcome, at most the deadline (and a moment). */
    public Outcome send(HttpRequest request) throws InterruptedException {
        return await(sendAsync(request));
    }

    /** Waits for an outcome {@link #sendAsync} gave; an interrupt cancels its exchange. */
    public static Outcome await(CompletableFuture<Outcome> outcome) throws InterruptedException {
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            outcome.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an outcome is never a failure", e);
        }
    }

    /**
     * Sends {@code request}; the future completes with its outcome within the deadline, never
     * exceptionally. Cancelling it cancels the exchange.
     */
    public CompletableFuture<Outcome> sendAsync(HttpRequest request) {
        AtomicInteger headersStatus = new AtomicInteger(-1);
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(request, info -> {
            headersStatus.set(info.statusCode());
            return new CappedBody(cap);
        });
        CompletableFuture<Outcome> outcome = exchange.handle((response, failure) -> failure == null
                ? new Answered(response.statusCode(), response.headers(), response.body())
                : failed(failure, headersStatus.get()));
        CompletableFuture<Outcome> result = outcome.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> failed(failure, headersStatus.get()));
        // The timer ends the outcome, not the exchange: however the result ends (the caller's cancel
        // included), the exchange is cancelled, which closes its connection; once answered, it is a no-op.
        result.whenComplete((ended, failure) -> exchange.cancel(true));
        return result;
    }

    private Outcome failed(Throwable failure, int status) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        OptionalInt headers = status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
        return switch (cause) {
            case BodyTooLarge tooLarge -> new TooLarge(status, tooLarge.cap);
            case TimeoutException timeout -> new TimedOut(deadline, headers);
            case HttpTimeoutException timeout -> new TimedOut(deadline, headers);
            case IOException io when io.getCause() instanceof BodyTooLarge tooLarge -> new TooLarge(status, tooLarge.cap);
            case IOException io -> new Unreachable(io);
            default -> new Unreachable(new IOException(cause));
        };
    }

    /** Raised by the body reader at the cap: it ends the exchange. */
    private static final class BodyTooLarge extends IOException {
        final long cap;

        BodyTooLarge(long cap) {
            super("the body is larger than " + ByteCounts.text(cap));
            this.cap = cap;
        }
    }

    /** Keeps a body up to the cap, and cancels the exchange past it. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final long cap;
        private Flow.Subscription subscription;

        CappedBody(long cap) {
            this.cap = cap;
        }

        @Override
        public CompletableFuture<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (body.isDone()) {
                    return;
                }
                if (kept.size() + (long) buffer.remaining() > cap) {
                    subscription.cancel();
                    body.completeExceptionally(new BodyTooLarge(cap));
                    return;
                }
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                kept.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable failure) {
            body.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            body.complete(kept.toByteArray());
        }
    }
}
