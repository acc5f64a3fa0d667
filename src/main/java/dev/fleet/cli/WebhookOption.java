package dev.fleet.cli;

import dev.fleet.rollout.watch.Notifier;
import dev.fleet.wiring.WatchEdges;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --webhook} options of the commands that roll out: {@code apply}, {@code rollback --apply}. */
final class WebhookOption {

    @Option(names = "--webhook", paramLabel = "URL", defaultValue = "${env:FLEET_WEBHOOK_URL}",
            description = "POST the rollout's events (rollout_started, rollout_finished, rolled_back, rollout_failed)"
                    + " as JSON to this URL, as fleet watch does (default: $FLEET_WEBHOOK_URL); signed with"
                    + " $FLEET_WEBHOOK_SECRET (or the file $FLEET_WEBHOOK_SECRET_FILE) when set.")
    String url;

    @Option(names = "--allow-insecure-http", description = "Allow a --webhook in plain http to another machine.")
    boolean allowInsecureHttp;

    /** The notifier the options ask for ({@link Notifier#NONE} without a URL), or empty once its problem is printed. */
    Optional<Notifier> notifier(WatchEdges edges, String command, PrintWriter err) {
        try {
            return Optional.of(edges.notifier(url, allowInsecureHttp));
        } catch (IllegalArgumentException e) {
            err.println("fleet " + command + ": " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }
}
