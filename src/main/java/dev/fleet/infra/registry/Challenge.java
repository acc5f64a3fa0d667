package dev.fleet.infra.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry's {@code WWW-Authenticate} challenge (RFC 7235): its scheme, lowercase, and its
 * parameters. Docker Hub and GHCR send {@code Bearer realm="...",service="...",scope="..."}, to be
 * answered with a token from the realm; Docker's own registry with htpasswd sends {@code Basic realm="..."}.
 *
 * @param scheme {@code bearer}, {@code basic} or another, lowercase
 * @param params the parameters by lowercase name, quotes removed
 */
record Challenge(String scheme, Map<String, String> params) {

    private static final Pattern SCHEME = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\\s+|$)");
    private static final Pattern PARAM =
            Pattern.compile("\\s*([A-Za-z0-9_-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))\\s*,?");

    /** The first Bearer or Basic challenge among the headers' values, Bearer first. */
    static Optional<Challenge> choose(List<String> headers) {
        List<Challenge> parsed = headers.stream().flatMap(h -> parse(h).stream()).toList();
        return parsed.stream().filter(c -> c.scheme.equals("bearer")).findFirst()
                .or(() -> parsed.stream().filter(c -> c.scheme.equals("basic")).findFirst())
                .or(() -> parsed.stream().findFirst());
    }

    /** One header value, read as one challenge (registries send one per header). */
    static Optional<Challenge> parse(String header) {
        Matcher scheme = SCHEME.matcher(header);
        if (!scheme.lookingAt()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher param = PARAM.matcher(header);
        param.region(scheme.end(), header.length());
        while (param.lookingAt() && param.end() > param.regionStart()) {
            String value = param.group(2) != null ? param.group(2).replaceAll("\\\\(.)", "$1") : param.group(3);
            params.putIfAbsent(param.group(1).toLowerCase(Locale.ROOT), value);
            param.region(param.end(), header.length());
        }
        return Optional.of(new Challenge(scheme.group(1).toLowerCase(Locale.ROOT), Map.copyOf(params)));
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty());
    }
}
