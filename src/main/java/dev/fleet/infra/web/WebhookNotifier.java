package dev.fleet.infra.web;

import dev.fleet.report.EventJson;
import dev.fleet.rollout.watch.Notifier;
import dev.fleet.rollout.watch.WatchEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Posts each event as JSON ({@link EventJson}) to a webhook URL, one at a time, in order, each
 * bounded by a timeout. A receiver that fails or does not answer is logged (by its host only: a
 * webhook URL's path is often its secret) and the event is dropped; the watch goes on.
 */
public final class WebhookNotifier implements Notifier {

    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI url;
    private final HttpClient http;

    public WebhookNotifier(URI url) {
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("a webhook URL is http or https, not " + url.getScheme());
        }
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The receiver in words, for logs: its scheme, host and port, never its path. */
    public String describe() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + "/...";
    }

    @Override
    public synchronized void notify(WatchEvent event) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.render(event)))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                LOG.warnf("The webhook at %s answered %d to %s", describe(), response.statusCode(), event.name());
            }
        } catch (IOException e) {
            LOG.warnf("The webhook at %s could not be told of %s: %s", describe(), event.name(),
                    e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
