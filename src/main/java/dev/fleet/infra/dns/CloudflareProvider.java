package dev.fleet.infra.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsProvider;
import dev.fleet.dns.DnsRecord;
import dev.fleet.infra.http.ApiToken;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * A zone at Cloudflare, through its API v4 with an API token ({@code Authorization: Bearer}): list
 * {@code GET /zones/ZONE_ID/dns_records}, create {@code POST} there, delete {@code DELETE
 * /zones/ZONE_ID/dns_records/ID}. Every answer is the documented envelope, {@code {"success",
 * "errors": [{"code", "message"}], "result", "result_info"}}.
 *
 * <p>Cloudflare keeps each address as a record of its own, so adding or removing one touches no
 * other. Names go without their trailing dot at Cloudflare. Records this adds are DNS only ({@code
 * proxied: false}): a proxied record would publish Cloudflare's addresses, not the droplet's.
 */
public final class CloudflareProvider implements DnsProvider {

    public static final URI DEFAULT_API = URI.create("https://api.cloudflare.com/client/v4");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Records per page asked for; a name has a handful, so one page is the rule. */
    static final int PER_PAGE = 100;

    /** Pages read at most for one name: far more than any round-robin name needs, and a bound on the loop. */
    static final int MAX_PAGES = 50;

    /** "An identical record already exists.": a create that raced another writer, or repeated. */
    private static final int IDENTICAL_RECORD_EXISTS = 81058;

    /** Zone and record ids: Cloudflare's are 32 hexadecimal digits; this only keeps them safe in a path. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9]{1,64}");

    private final URI records;
    private final String zoneId;
    private final String who;
    private final ApiToken token;
    private final JsonHttp http;

    /**
     * @param api     the API's base URL, {@link #DEFAULT_API} but in tests
     * @param zoneId  the zone's identifier (shown on the zone's overview page), not its name
     * @param token   an API token allowed to edit the zone's DNS
     * @param timeout how long one request may take
     */
    public CloudflareProvider(URI api, String zoneId, ApiToken token, Duration timeout) {
        if (!ID.matcher(zoneId).matches()) {
            throw new IllegalArgumentException("not a Cloudflare zone id: '" + zoneId
                    + "' (it is the 32 hexadecimal digits on the zone's overview page, not the zone's name)");
        }
        String base = api.toString().replaceAll("/+$", "");
        this.records = URI.create(base + "/zones/" + zoneId + "/dns_records");
        this.zoneId = zoneId;
        this.who = "Cloudflare" + (base.equals(DEFAULT_API.toString()) ? "" : " at " + base);
        this.token = token;
        this.http = new JsonHttp(who, token, timeout);
    }

    public CloudflareProvider(String zoneId, ApiToken token) {
        this(DEFAULT_API, zoneId, token, DEFAULT_TIMEOUT);
    }

    @Override
    public List<DnsRecord> list(String name) throws DnsException {
        return entries(DnsRecord.canonicalName(name)).stream().map(Entry::record).toList();
    }

    @Override
    public void add(DnsRecord record) throws DnsException {
        String what = "add " + record;
        if (entries(record.name()).stream().anyMatch(e -> e.record().sameAddress(record))) {
            return;
        }
        ObjectNode body = JsonHttp.JSON.createObjectNode()
                .put("type", record.type().name())
                .put("name", bare(record.name()))
                .put("content", record.address())
                .put("ttl", record.ttl())
                .put("proxied", false);
        JsonHttp.Answer answer = http.send(authorized(records).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), what);
        JsonNode json = envelope(answer, what);
        if (!answer.ok() || !json.path("success").asBoolean(false)) {
            if (codes(json).contains(IDENTICAL_RECORD_EXISTS)) {
                return;
            }
            throw failure(answer, json, what);
        }
    }

    @Override
    public void remove(DnsRecord record) throws DnsException {
        String what = "remove " + record.type() + " " + record.address() + " from " + record.name();
        for (Entry entry : entries(record.name())) {
            if (!entry.record().sameAddress(record)) {
                continue;
            }
            JsonHttp.Answer answer = http.send(authorized(URI.create(records + "/" + entry.id())).DELETE(), what);
            if (answer.status() == 404) {
                continue; // deleted since it was listed: what was asked for
            }
            JsonNode json = envelope(answer, what);
            if (!answer.ok() || !json.path("success").asBoolean(false)) {
                throw failure(answer, json, what);
            }
        }
    }

    @Override
    public String describe() {
        return who + ", zone " + zoneId;
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A record and Cloudflare's id for it. */
    private record Entry(String id, DnsRecord record) {}

    /** The A and AAAA records of {@code name}, every page of them. */
    private List<Entry> entries(String name) throws DnsException {
        String what = "list the records of " + name;
        // One listing for both types: the name filter alone, the types sorted out here.
        String query = "?name.exact=" + URLEncoder.encode(bare(name), StandardCharsets.UTF_8) + "&per_page=" + PER_PAGE;
        List<Entry> entries = new ArrayList<>();
        for (int page = 1; ; page++) {
            if (page > MAX_PAGES) {
                throw http.unexpected(what, "more than " + MAX_PAGES + " pages of records for one name");
            }
            JsonHttp.Answer answer = http.send(authorized(URI.create(records + query + "&page=" + page)).GET(), what);
            JsonNode json = envelope(answer, what);
            if (!answer.ok() || !json.path("success").asBoolean(false)) {
                throw failure(answer, json, what);
            }
            JsonNode result = json.path("result");
            if (!result.isArray()) {
                throw http.unexpected(what, "its result is not a list of records");
            }
            for (JsonNode record : result) {
                entry(record, name, what).ifPresent(entries::add);
            }
            int totalPages = json.path("result_info").path("total_pages").asInt(1);
            if (page >= totalPages || result.isEmpty()) {
                return entries;
            }
        }
    }

    private Optional<Entry> entry(JsonNode record, String name, String what) throws DnsException {
        String type = record.path("type").asText();
        if (!(type.equals("A") || type.equals("AAAA"))
                || !record.path("name").asText().equalsIgnoreCase(bare(name))) {
            return Optional.empty();
        }
        String id = record.path("id").asText("");
        if (!ID.matcher(id).matches()) {
            throw http.unexpected(what, "a record has no usable id");
        }
        try {
            return Optional.of(new Entry(id, new DnsRecord(name, DnsRecord.Type.valueOf(type),
                    record.path("content").asText(), Math.max(1, record.path("ttl").asInt(1)))));
        } catch (IllegalArgumentException e) {
            throw http.unexpected(what, "record " + id + " is not an address record: " + e.getMessage());
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        return JsonHttp.request(uri).header("Authorization", "Bearer " + token.secret().reveal());
    }

    /** The answer's envelope; an answer that is not one is an unexpected answer, or the failure its status says. */
    private JsonNode envelope(JsonHttp.Answer answer, String what) throws DnsException {
        try {
            JsonNode json = JsonHttp.JSON.readTree(answer.body());
            if (json != null && json.isObject() && json.has("success")) {
                return json;
            }
        } catch (Exception e) {
            // handled below: a proxy's error page, say
        }
        if (!answer.ok()) {
            throw http.failure(answer, what, JsonHttp.excerpt(answer.body()), zoneAdvice());
        }
        throw http.unexpected(what, "its answer (HTTP " + answer.status() + ") is not Cloudflare's JSON envelope");
    }

    private DnsException failure(JsonHttp.Answer answer, JsonNode json, String what) {
        String detail = errors(json);
        if (answer.ok()) { // success false with 2xx: not documented; a refusal all the same
            return new DnsException(Reason.REJECTED, token.redact(who + " refused to " + what + " (" + detail + ")"));
        }
        return http.failure(answer, what, detail, zoneAdvice());
    }

    private String zoneAdvice() {
        return "check the zone id " + zoneId + " (the zone's overview page shows it) and that the token may read it";
    }

    private static List<Integer> codes(JsonNode json) {
        List<Integer> codes = new ArrayList<>();
        json.path("errors").forEach(error -> codes.add(error.path("code").asInt()));
        return codes;
    }

    private static String errors(JsonNode json) {
        return StreamSupport.stream(json.path("errors").spliterator(), false)
                .map(error -> error.path("code").asText("?") + " " + JsonHttp.excerpt(error.path("message").asText("")))
                .collect(Collectors.joining("; "));
    }

    private static String bare(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
