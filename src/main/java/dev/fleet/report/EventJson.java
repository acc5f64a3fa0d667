package dev.fleet.report;

import dev.fleet.rollout.watch.WatchEvent;
import java.util.List;

/**
 * A watch event as a webhook's JSON body. Chat receivers read {@code text} (Slack-style incoming
 * webhooks) or {@code title} and {@code message} (ntfy-style JSON); programs read {@code event} and
 * the fields after it. Pure.
 */
public final class EventJson {

    private EventJson() {}

    public static String render(WatchEvent event) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"text\": ").append(JsonReport.quote(event.text()));
        json.append(", \"title\": ").append(JsonReport.quote("fleet: " + event.name().replace('_', ' ')));
        json.append(", \"message\": ").append(JsonReport.quote(event.text()));
        json.append(", \"event\": ").append(JsonReport.quote(event.name()));
        json.append(", \"service\": ").append(JsonReport.quote(event.service()));
        json.append(", \"commit\": ").append(JsonReport.quote(event.commit()));
        json.append(", \"at\": ").append(JsonReport.quote(event.at().toString()));
        switch (event) {
            case WatchEvent.DriftDetected d -> {
                json.append(", \"summary\": ").append(JsonReport.quote(d.summary()));
                json.append(", \"droplets\": ").append(list(d.droplets()));
            }
            case WatchEvent.RolloutStarted s -> json.append(", \"droplets\": ").append(list(s.droplets()));
            case WatchEvent.RolloutFinished f -> json.append(", \"seconds\": ").append(f.took().toMillis() / 1000.0);
            case WatchEvent.RolledBack r -> {
                json.append(", \"droplet\": ").append(JsonReport.quote(r.droplet()));
                json.append(", \"reason\": ").append(JsonReport.quote(r.reason()));
            }
            case WatchEvent.RolloutFailed f -> json.append(", \"reason\": ").append(JsonReport.quote(f.reason()));
            case WatchEvent.Dns d -> json.append(", \"name\": ").append(JsonReport.quote(d.dnsName()));
        }
        return json.append("}").toString();
    }

    private static String list(List<String> values) {
        return "[" + String.join(", ", values.stream().map(JsonReport::quote).toList()) + "]";
    }
}
