package dev.fleet.report;

import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.observed.ImageUse;
import dev.fleet.drift.UnmanagedContainer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rows every human-readable format shows: one per droplet, then one per unmanaged container,
 * with the cells already worded, so that table, Markdown and HTML say the same thing.
 */
record ReportRows(List<Row> rows) {

    static final List<String> HEADER =
            List.of("DROPLET", "STATUS", "DESIRED", "RUNNING", "HEALTH", "BALANCER", "SINCE", "IMAGES", "REASON");

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** @param status the status word, which formats may decorate */
    record Row(String droplet, String status, List<String> cells) {
        List<String> all() {
            List<String> all = new ArrayList<>();
            all.add(droplet);
            all.add(status);
            all.addAll(cells);
            return all;
        }
    }

    static ReportRows of(DriftReport report) {
        List<Row> rows = new ArrayList<>();
        for (DropletDrift droplet : report.droplets()) {
            rows.add(new Row(droplet.droplet(), droplet.status().name(), List.of(
                    ImageRef.shortForm(droplet.desiredDigest()),
                    droplet.runningDigest().map(ImageRef::shortForm).orElse("-"),
                    droplet.health().name().toLowerCase(),
                    droplet.balancer().orElse("-"),
                    since(droplet.since(), report.observedAt()),
                    droplet.images().map(ReportRows::images).orElse("-"),
                    droplet.reason())));
        }
        for (DropletDrift droplet : report.droplets()) {
            for (UnmanagedContainer extra : droplet.unmanaged()) {
                rows.add(new Row(droplet.droplet(), "UNMANAGED", List.of(
                        "-", extra.digest().map(ImageRef::shortForm).orElse("-"), "-", "-", "-", "-",
                        "container " + extra.name() + " (" + extra.state() + ") claims service "
                                + report.service())));
            }
        }
        return new ReportRows(rows);
    }

    /** The report's heading line: which service, which commit of which file, when. */
    /** {@code 3, 24.1 MB}: the service's images on the droplet and the disk they take. */
    static String images(ImageUse use) {
        return use.count() + ", " + String.format(Locale.ROOT, "%.1f MB", use.bytes() / 1_000_000.0);
    }

    static String heading(DriftReport report) {
        return "service " + report.service() + ", state " + report.stateFile().getFileName() + " "
                + revision(report.revision()) + ", observed " + TIME.format(report.observedAt());
    }

    /** {@code at 1a2b3c4d5e6f}, {@code at 1a2b3c4d5e6f-dirty}, or {@code (not in git)}. */
    static String revision(Revision revision) {
        return revision.commit().isPresent() ? "at " + revision.describe() : "(" + revision.describe() + ")";
    }

    /** How long ago, in the largest two units: {@code 45s ago}, {@code 3m 10s ago}, {@code 2d 4h ago}. */
    static String since(Optional<Instant> since, Instant now) {
        if (since.isEmpty()) {
            return "-";
        }
        Duration age = Duration.between(since.get(), now);
        if (age.isNegative()) {
            return "just now";
        }
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        long seconds = age.toSecondsPart();
        if (days > 0) {
            return days + "d " + hours + "h ago";
        } else if (hours > 0) {
            return hours + "h " + minutes + "m ago";
        } else if (minutes > 0) {
            return minutes + "m " + seconds + "s ago";
        }
        return seconds + "s ago";
    }
}
