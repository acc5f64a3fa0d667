package dev.fleet.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.rollout.watch.WatchEvent;

/**
 * A watch event as a webhook's JSON body, on one line. Chat receivers read {@code text} (Slack-style
 * incoming webhooks) or {@code title} and {@code message} (ntfy-style JSON); programs read {@code
 * event} and the fields after it. Pure.
 */
public final class EventJson {

    private EventJson() {}

    public static String render(WatchEvent event) {
        ObjectNode json = JsonTrees.object();
        json.put("text", event.text());
        json.put("title", "fleet: " + event.name().replace('_', ' '));
        json.put("message", event.text());
        json.put("event", event.name());
        json.put("service", event.service());
        json.put("commit", event.commit());
        json.put("at", event.at().toString());
        switch (event) {
            case WatchEvent.DriftDetected d -> {
                json.put("summary", d.summary());
                ArrayNode droplets = json.putArray("droplets");
                d.droplets().forEach(droplets::add);
            }
            case WatchEvent.RolloutStarted s -> {
                ArrayNode droplets = json.putArray("droplets");
                s.droplets().forEach(droplets::add);
            }
            case WatchEvent.RolloutFinished f -> json.put("seconds", f.took().toMillis() / 1000.0);
            case WatchEvent.RolledBack r -> json.put("droplet", r.droplet()).put("reason", r.reason());
            case WatchEvent.RolloutFailed f -> json.put("reason", f.reason());
            case WatchEvent.Dns d -> json.put("name", d.dnsName());
        }
        return JsonTrees.compact(json);
    }
}
