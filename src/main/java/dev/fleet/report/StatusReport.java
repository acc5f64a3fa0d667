package dev.fleet.report;

import dev.fleet.desired.Durations;
import dev.fleet.desired.ImageRef;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.DropletStatus;
import dev.fleet.rollout.FleetStatus;
import dev.fleet.rollout.ledger.ApplyRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code fleet status} in words: a block per droplet, its verdict on the first line, then each of
 * the fleet's containers there and the last apply that touched it. Never a secret: none of it holds one.
 */
public final class StatusReport {

    private StatusReport() {}

    public static String render(FleetStatus status) {
        Instant now = status.drift().observedAt();
        StringBuilder text = new StringBuilder("fleet status: ").append(ReportRows.heading(status.drift())).append('\n');
        status.drift().balancerProblem().ifPresent(p -> text.append("balancer: could not be asked: ").append(p).append('\n'));
        status.historyProblem().ifPresent(p -> text.append("history: could not be read: ").append(p).append('\n'));
        int width = status.droplets().stream().mapToInt(d -> d.drift().droplet().length()).max().orElse(0);
        for (FleetStatus.DropletState droplet : status.droplets()) {
            DropletDrift drift = droplet.drift();
            text.append('\n').append(String.format("%-" + width + "s  %s", drift.droplet(), verdict(drift))).append('\n');
            for (FleetStatus.Container container : droplet.containers()) {
                text.append("  ").append(container(container, now)).append('\n');
            }
            if (drift.status() != DropletStatus.UNREACHABLE && droplet.containers().isEmpty()) {
                text.append("  no container of this fleet runs here\n");
            }
            droplet.lastApply().ifPresent(last -> text.append("  last apply: ").append(lastApply(last)).append('\n'));
        }
        return text.toString();
    }

    /** {@code in sync, healthy, balancer UP}, or {@code unreachable: why}. */
    static String verdict(DropletDrift drift) {
        if (drift.status() == DropletStatus.UNREACHABLE) {
            return drift.reason().startsWith("unreachable") ? drift.reason() : "unreachable: " + drift.reason();
        }
        return words(drift.status().name()) + ", " + drift.health().name().toLowerCase(Locale.ROOT)
                + drift.balancer().map(b -> ", balancer " + b).orElse("")
                + (drift.status() == DropletStatus.IN_SYNC ? "" : ": " + drift.reason());
    }

    private static String container(FleetStatus.Container c, Instant now) {
        String up = c.state().equals("running") ? "up " + ReportRows.age(c.startedAt(), now, "") : c.state();
        return String.format("%-12s %-14s %s, %s", c.service(), c.digest().map(ImageRef::shortForm).orElse("no digest"),
                up, c.restarts() == 1 ? "1 restart" : c.restarts() + " restarts")
                + c.dockerHealth().map(h -> ", docker health " + h).orElse("")
                + (c.name().equals(c.service()) ? "" : " (container " + c.name() + ")");
    }

    private static String lastApply(FleetStatus.LastApply last) {
        ApplyRecord apply = last.apply();
        ApplyRecord.DropletRecord droplet = last.droplet();
        return apply.started().truncatedTo(ChronoUnit.SECONDS) + " run " + apply.run() + " by " + apply.who()
                + ", state " + apply.commit() + ": " + droplet.result() + " "
                + (droplet.fromDigest().isEmpty() ? "nothing" : ImageRef.shortForm(droplet.fromDigest())) + " -> "
                + ImageRef.shortForm(droplet.toDigest()) + " (apply " + apply.result() + ", "
                + Durations.took(apply.took()) + ")";
    }

    private static String words(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
