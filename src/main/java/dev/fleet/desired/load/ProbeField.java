package dev.fleet.desired.load;

import dev.fleet.desired.ProbeSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code rollout.probe}: the URL an apply asks at a constant rate while it rolls, how often,
 * how patiently, and how many failures stop it. Plain http is fine anywhere, unlike a webhook's or an
 * API's URL: the probe sends no secret, only GETs of a URL its clients already reach; a URL that
 * holds a user or password is refused instead, since the state file is no place for one.
 */
final class ProbeField {

    private static final Set<String> KEYS = Sections.keys("url", "rate", "timeout", "max-failures");
    private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,2})/s");
    /** A request slower than this is no answer a client waits for; a larger value is a typo. */
    static final Duration LONGEST_TIMEOUT = Duration.ofSeconds(30);

    private ProbeField() {}

    /** The probe, empty when the key is absent; a problem and empty when it is wrong. */
    static Optional<Optional<ProbeSpec>> read(Optional<Field> field) {
        if (field.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        return field.get().mapping(KEYS).flatMap(probe -> {
            Optional<URI> url = probe.required("url", "the service's URL as its clients reach it, through the"
                    + " balancer or its DNS name, such as https://example.com/health").flatMap(ProbeField::url);
            Optional<Integer> rate = probe.optional("rate").map(ProbeField::rate)
                    .orElse(Optional.of(ProbeSpec.DEFAULT_RATE));
            Optional<Duration> timeout = probe.optional("timeout").map(ProbeField::timeout)
                    .orElse(Optional.of(ProbeSpec.DEFAULT_TIMEOUT));
            Optional<OptionalInt> maxFailures = probe.optional("max-failures")
                    .map(f -> f.integer(0, 1_000_000).map(OptionalInt::of))
                    .orElse(Optional.of(OptionalInt.empty()));
            return Sections.allPresent(url, rate, timeout, maxFailures)
                    ? Optional.of(Optional.of(new ProbeSpec(url.get(), rate.get(), timeout.get(), maxFailures.get())))
                    : Optional.empty();
        });
    }

    private static Optional<URI> url(Field field) {
        return field.text().flatMap(text -> {
            Optional<String> why = refusal(text);
            if (why.isPresent()) {
                field.problem(Text.quote(text) + " " + why.get(), "an http or https URL of the service, such as"
                        + " https://example.com/health");
                return Optional.empty();
            }
            return Optional.of(URI.create(text));
        });
    }

    /** Why {@code text} cannot be the probe's URL, or empty when it can. */
    static Optional<String> refusal(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                return Optional.of("is not an http or https URL");
            }
            if (uri.getRawUserInfo() != null) {
                return Optional.of("holds a user or password, which the state file must not");
            }
            if (uri.getRawFragment() != null) {
                return Optional.of("has a fragment, which a request never sends");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
    }

    private static Optional<Integer> rate(Field field) {
        return field.text(RATE, "a rate", "requests per second, such as 20/s, from 1/s to "
                + ProbeSpec.MOST_PER_SECOND + "/s").flatMap(text -> {
                    int rate = Integer.parseInt(text.substring(0, text.length() - 2));
                    if (rate > ProbeSpec.MOST_PER_SECOND) {
                        field.problem(text + " is more than a probe needs", "at most " + ProbeSpec.MOST_PER_SECOND
                                + "/s: the probe witnesses a rollout, it does not load the service");
                        return Optional.empty();
                    }
                    return Optional.of(rate);
                });
    }

    private static Optional<Duration> timeout(Field field) {
        return field.duration().filter(timeout -> {
            if (timeout.compareTo(LONGEST_TIMEOUT) > 0) {
                field.problem("is longer than 30s, the longest a probe's request may take",
                        "a client's patience, such as 2s");
                return false;
            }
            return true;
        });
    }
}
