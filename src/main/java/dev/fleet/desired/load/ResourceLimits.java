package dev.fleet.desired.load;

import dev.fleet.desired.Limits;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code service.limits}: memory, CPUs and processes; a key left out is no limit. */
final class ResourceLimits {

    static final Set<String> KEYS = Sections.keys("memory", "cpus", "pids");

    private static final Pattern MEMORY = Pattern.compile("(0|[1-9][0-9]{0,18})([bkmgBKMG]?)");
    /** Docker refuses a memory limit under 6 MiB. */
    static final long LEAST_MEMORY = 6L * 1024 * 1024;
    private static final Pattern CPUS = Pattern.compile("(0|[1-9][0-9]{0,5})(\\.[0-9]{1,12})?");
    /** The kernel's least CPU quota is 1ms per 100ms period, which Docker's --cpus uses. */
    private static final BigDecimal LEAST_CPUS = new BigDecimal("0.01");
    private static final BigDecimal MOST_CPUS = new BigDecimal(1024);
    static final int MOST_PIDS = 4_194_304;

    private ResourceLimits() {}

    /** Memory, CPU and process limits; a missing key is no limit. */
    static Optional<Limits> read(Field field) {
        return field.mapping(KEYS).flatMap(limits -> {
            Optional<Optional<Long>> memory = limits.optional("memory")
                    .map(f -> memory(f).map(Optional::of)).orElse(Optional.of(Optional.empty()));
            Optional<Optional<Long>> cpus = limits.optional("cpus")
                    .map(f -> nanoCpus(f).map(Optional::of)).orElse(Optional.of(Optional.empty()));
            Optional<Optional<Long>> pids = limits.optional("pids")
                    .map(f -> f.integer(1, MOST_PIDS).map(n -> Optional.of((long) n)))
                    .orElse(Optional.of(Optional.empty()));
            return Sections.allPresent(memory, cpus, pids)
                    ? Optional.of(new Limits(memory.get(), cpus.get(), pids.get()))
                    : Optional.empty();
        });
    }

    /** Bytes, from a whole number and an optional unit b, k, m or g (multiples of 1024). */
    private static Optional<Long> memory(Field field) {
        return field.text().flatMap(text -> {
            Matcher m = MEMORY.matcher(text);
            if (!m.matches()) {
                field.problem(Text.quote(text) + " is not an amount of memory",
                        "a whole number and a unit, b, k, m or g: 512m, 1g (a number alone is bytes)");
                return Optional.empty();
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            BigInteger bytes = new BigInteger(m.group(1)).shiftLeft(shift);
            if (bytes.bitLength() > 62) {
                field.problem(Text.quote(text) + " is more memory than any droplet has");
                return Optional.empty();
            }
            if (bytes.longValueExact() < LEAST_MEMORY) {
                field.problem(Text.quote(text) + " is less than 6m, the least Docker accepts"
                        + (m.group(2).isEmpty() ? " (a number alone is bytes)" : ""),
                        "give the container at least 6m, such as 256m; leave memory out for no limit");
                return Optional.empty();
            }
            return Optional.of(bytes.longValueExact());
        });
    }

    /** Billionths of a CPU, from a decimal number of CPUs (read exactly, never as a double). */
    private static Optional<Long> nanoCpus(Field field) {
        return field.text().flatMap(text -> {
            if (!CPUS.matcher(text).matches()) {
                field.problem(Text.quote(text) + " is not a number of CPUs",
                        "a decimal number, such as 0.5, 1 or 1.5");
                return Optional.empty();
            }
            BigDecimal cpus = new BigDecimal(text);
            if (cpus.stripTrailingZeros().scale() > 3) {
                field.problem(Text.quote(text) + " has more than 3 decimals", "such as 0.25 or 1.125");
                return Optional.empty();
            }
            if (cpus.signum() == 0) {
                field.problem(Text.quote(text) + " CPUs would leave the container none",
                        "give it at least 0.01; leave cpus out for no limit");
                return Optional.empty();
            }
            if (cpus.compareTo(LEAST_CPUS) < 0) {
                field.problem(Text.quote(text) + " is less than 0.01, the least the kernel can give a container"
                        + " (a 1ms share of every 100ms)", "give it at least 0.01; leave cpus out for no limit");
                return Optional.empty();
            }
            if (cpus.compareTo(MOST_CPUS) > 0) {
                field.problem(Text.quote(text) + " is more than 1024 CPUs",
                        "at most the droplet's CPUs; leave cpus out for no limit");
                return Optional.empty();
            }
            return Optional.of(cpus.movePointRight(9).longValueExact());
        });
    }
}
