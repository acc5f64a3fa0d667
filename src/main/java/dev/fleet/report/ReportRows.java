package dev.fleet.report;

import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Revision;
import dev.fleet.drift.DriftReport;
import dev.fleet.drift.DropletDrift;
import dev.fleet.drift.ServiceDrift;
import dev.fleet.observed.ImageUse;
import dev.fleet.drift.UnmanagedContainer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rows every human-readable format shows: one per droplet (with several services, one per
 * service on each droplet, grouped by droplet, the fronted service first), then one per unmanaged
 * container, with the cells already worded, so that table, Markdown and HTML say the same thing.
 *
 * @param services whether the state has several services: rows then name theirs
 */
record ReportRows(List<Row> rows, boolean services) {

    static final List<String> HEADER =
            List.of("DROPLET", "STATUS", "DESIRED", "RUNNING", "HEALTH", "BALANCER", "SINCE", "IMAGES", "REASON");

    /** The first column's title: {@code DROPLET}, or {@code DROPLET/SERVICE} when rows name their service. */
    String firstColumn() {
        return services ? "DROPLET/SERVICE" : "DROPLET";
    }

    /** {@link #HEADER}, its first column as {@link #firstColumn}. */
    List<String> header() {
        List<String> header = new ArrayList<>(HEADER);
        header.set(0, firstColumn());
        return header;
    }

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /**
     * @param droplet the droplet's name
     * @param service the service the row is about, when the state has several
     * @param status  the status word, which formats may decorate
     */
    record Row(String droplet, Optional<String> service, String status, List<String> cells) {

        /** What the first column shows: {@code web-1}, or {@code web-1/worker}. */
        String shown() {
            return service.map(s -> droplet + "/" + s).orElse(droplet);
        }

        List<String> all() {
            List<String> all = new ArrayList<>();
            all.add(shown());
            all.add(status);
            all.addAll(cells);
            return all;
        }
    }

    static ReportRows of(DriftReport report) {
        boolean several = report.droplets().stream().anyMatch(d -> !d.services().isEmpty());
        Optional<String> fronted = several ? Optional.of(report.service()) : Optional.empty();
        List<Row> rows = new ArrayList<>();
        for (DropletDrift droplet : report.droplets()) {
            rows.add(new Row(droplet.droplet(), fronted, droplet.status().name(), List.of(
                    ImageRef.shortForm(droplet.desiredDigest()),
                    droplet.runningDigest().map(ImageRef::shortForm).orElse("-"),
                    droplet.health().name().toLowerCase(),
                    droplet.balancer().orElse("-"),
                    since(droplet.since(), report.observedAt()),
                    droplet.images().map(ReportRows::images).orElse("-"),
                    droplet.reason())));
            for (ServiceDrift service : droplet.services()) {
                rows.add(new Row(droplet.droplet(), Optional.of(service.service()), service.status().name(), List.of(
                        ImageRef.shortForm(service.desiredDigest()),
                        service.runningDigest().map(ImageRef::shortForm).orElse("-"),
                        service.health().name().toLowerCase(), "-",
                        since(service.since(), report.observedAt()), "-",
                        service.role().word() + ": " + service.reason())));
            }
        }
        for (DropletDrift droplet : report.droplets()) {
            for (UnmanagedContainer extra : droplet.unmanaged()) {
                rows.add(new Row(droplet.droplet(), Optional.empty(), "UNMANAGED", List.of(
                        "-", extra.digest().map(ImageRef::shortForm).orElse("-"), "-", "-", "-", "-",
                        extra.leftoverOf().map(gone -> "container " + extra.name() + " (" + extra.state() + ") of"
                                + " service " + gone + ", which the state does not run here: fleet apply --prune"
                                + " removes it").orElse("container " + extra.name() + " (" + extra.state()
                                + ") claims service " + report.service()))));
            }
        }
        return new ReportRows(rows, several);
    }

    /** {@code 3, 24.1 MB}: the service's images on the droplet and the disk they take. */
    static String images(ImageUse use) {
        return use.count() + ", " + String.format(Locale.ROOT, "%.1f MB", use.bytes() / 1_000_000.0);
    }

    /**
     * The report's heading line: which services (the fronted one first, then the others in the
     * order droplets show them), which commit of which file, when.
     */
    static String heading(DriftReport report) {
        Set<String> services = new LinkedHashSet<>(List.of(report.service()));
        report.droplets().forEach(d -> d.services().forEach(s -> services.add(s.service())));
        return (services.size() == 1 ? "service " : "services ") + String.join(", ", services)
                + ", state " + report.stateFile().getFileName() + " "
                + revision(report.revision()) + ", observed " + TIME.format(report.observedAt());
    }

    /** {@code at 1a2b3c4d5e6f}, {@code at 1a2b3c4d5e6f-dirty}, or {@code (not in git)}. */
    static String revision(Revision revision) {
        return revision.commit().isPresent() ? "at " + revision.describe() : "(" + revision.describe() + ")";
    }

    /** How long ago, in the largest two units: {@code 45s ago}, {@code 3m 10s ago}, {@code 2d 4h ago}. */
    static String since(Optional<Instant> since, Instant now) {
        return age(since, now, " ago");
    }

    /**
     * How long from {@code since} to {@code now} in its largest two units, then {@code suffix}: {@code
     * 45s}, {@code 3m 10s}, {@code 2d 4h}; {@code -} when unknown, {@code just now} when after {@code now}.
     */
    static String age(Optional<Instant> since, Instant now, String suffix) {
        if (since.isEmpty()) {
            return "-";
        }
        Duration age = Duration.between(since.get(), now);
        return age.isNegative() ? "just now" : units(age) + suffix;
    }

    private static String units(Duration age) {
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        long seconds = age.toSecondsPart();
        if (days > 0) {
            return days + "d " + hours + "h";
        } else if (hours > 0) {
            return hours + "h " + minutes + "m";
        } else if (minutes > 0) {
            return minutes + "m " + seconds + "s";
        }
        return seconds + "s";
    }
}
