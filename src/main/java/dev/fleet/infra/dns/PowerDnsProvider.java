package dev.fleet.infra.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fleet.dns.DnsException.Reason;
import dev.fleet.dns.DnsException;
import dev.fleet.dns.DnsProvider;
import dev.fleet.dns.DnsRecord;
import dev.fleet.infra.http.ApiToken;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A zone of a PowerDNS Authoritative server, through its HTTP API (v1): {@code GET
 * /api/v1/servers/SERVER/zones/ZONE} to read, {@code PATCH} of the same with an rrset to change,
 * authenticated by the {@code X-API-Key} header.
 *
 * <p>PowerDNS changes a name's addresses a whole rrset (name and type) at a time, with one TTL: to
 * add or remove one address this reads the rrset and replaces it ({@code changetype: REPLACE}) with
 * the new list, or deletes it ({@code DELETE}) when none is left. Records the rrset holds disabled
 * are kept as they are; an address added while disabled there is enabled.
 */
public final class PowerDnsProvider implements DnsProvider {

    public static final String DEFAULT_SERVER = "localhost";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private final URI zoneUri;
    private final String zone;
    private final String server;
    private final String who;
    private final ApiToken apiKey;
    private final JsonHttp http;

    /**
     * @param api     the API's base URL, {@code http://127.0.0.1:8081} for example
     * @param server  the server id in the API's paths, {@value #DEFAULT_SERVER} unless configured otherwise
     * @param zone    the zone the names belong to, {@code example.com.}
     * @param apiKey  the server's {@code api-key}
     * @param timeout how long one request may take
     */
    public PowerDnsProvider(URI api, String server, String zone, ApiToken apiKey, Duration timeout) {
        if (!SERVER_ID.matcher(server).matches()) {
            throw new IllegalArgumentException("not a PowerDNS server id: '" + server + "'");
        }
        this.zone = DnsRecord.canonicalName(zone);
        this.server = server;
        this.apiKey = apiKey;
        String base = api.toString().replaceAll("/+$", "");
        this.zoneUri = URI.create(base + "/api/v1/servers/" + server + "/zones/" + this.zone);
        this.who = "PowerDNS at " + base;
        this.http = new JsonHttp(who, apiKey, timeout);
    }

    public PowerDnsProvider(URI api, String zone, ApiToken apiKey) {
        this(api, DEFAULT_SERVER, zone, apiKey, DEFAULT_TIMEOUT);
    }

    @Override
    public List<DnsRecord> list(String name) throws DnsException {
        String canonical = inZone(name);
        JsonNode zoneJson = zone("list the records of " + canonical);
        List<DnsRecord> records = new ArrayList<>();
        for (DnsRecord.Type type : DnsRecord.Type.values()) {
            Rrset rrset = rrset(zoneJson, canonical, type);
            for (Entry entry : rrset.entries()) {
                if (!entry.disabled()) {
                    records.add(new DnsRecord(canonical, type, entry.content(), rrset.ttl()));
                }
            }
        }
        return records;
    }

    @Override
    public void add(DnsRecord record) throws DnsException {
        inZone(record.name());
        String what = "add " + record;
        Rrset rrset = rrset(zone(what), record.name(), record.type());
        List<Entry> entries = new ArrayList<>();
        boolean present = false;
        for (Entry entry : rrset.entries()) {
            if (entry.content().equals(record.address())) {
                if (!entry.disabled()) {
                    return;
                }
                present = true;
                entries.add(new Entry(entry.content(), false));
            } else {
                entries.add(entry);
            }
        }
        if (!present) {
            entries.add(new Entry(record.address(), false));
        }
        patch(record, entries, record.ttl(), what);
    }

    @Override
    public void remove(DnsRecord record) throws DnsException {
        inZone(record.name());
        String what = "remove " + record.type() + " " + record.address() + " from " + record.name();
        Rrset rrset = rrset(zone(what), record.name(), record.type());
        List<Entry> left = rrset.entries().stream().filter(e -> !e.content().equals(record.address())).toList();
        if (left.size() == rrset.entries().size()) {
            return;
        }
        patch(record, left, rrset.ttl(), what);
    }

    @Override
    public String describe() {
        return who + ", zone " + zone + " on server " + server;
    }

    @Override
    public String toString() {
        return describe();
    }

    /** One record of an rrset as PowerDNS keeps it. */
    private record Entry(String content, boolean disabled) {}

    /** The records of one name and type, with their TTL (0 and empty when there are none). */
    private record Rrset(int ttl, List<Entry> entries) {}

    private String inZone(String name) throws DnsException {
        String canonical = DnsRecord.canonicalName(name);
        if (!canonical.equals(zone) && !canonical.endsWith("." + zone)) {
            throw new DnsException(Reason.REJECTED, canonical + " is not in zone " + zone + " of " + who
                    + ": fleet would not ask; check the name and the zone in the state file");
        }
        return canonical;
    }

    private JsonNode zone(String what) throws DnsException {
        JsonHttp.Answer answer = http.send(JsonHttp.request(zoneUri).header("X-API-Key", apiKey.secret().reveal())
                .GET(), what);
        if (!answer.ok()) {
            throw failure(answer, what);
        }
        JsonNode json = http.parse(answer, what);
        if (!json.path("rrsets").isArray()) {
            throw http.unexpected(what, "the zone has no rrsets list");
        }
        return json;
    }

    private Rrset rrset(JsonNode zoneJson, String name, DnsRecord.Type type) throws DnsException {
        for (JsonNode rrset : zoneJson.path("rrsets")) {
            if (!rrset.path("name").asText().equalsIgnoreCase(name) || !rrset.path("type").asText().equals(type.name())) {
                continue;
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode record : rrset.path("records")) {
                String content = record.path("content").asText();
                try {
                    entries.add(new Entry(DnsRecord.canonicalAddress(content), record.path("disabled").asBoolean(false)));
                } catch (IllegalArgumentException e) {
                    throw http.unexpected("read " + name + " " + type, "'" + JsonHttp.excerpt(content)
                            + "' is not an IP address");
                }
            }
            return new Rrset(rrset.path("ttl").asInt(0), entries);
        }
        return new Rrset(0, List.of());
    }

    private void patch(DnsRecord record, List<Entry> entries, int ttl, String what) throws DnsException {
        ObjectNode change = JsonHttp.JSON.createObjectNode();
        change.put("name", record.name());
        change.put("type", record.type().name());
        if (entries.isEmpty()) {
            change.put("changetype", "DELETE");
        } else {
            change.put("ttl", ttl);
            change.put("changetype", "REPLACE");
            ArrayNode records = change.putArray("records");
            for (Entry entry : entries) {
                records.addObject().put("content", entry.content()).put("disabled", entry.disabled());
            }
        }
        ObjectNode body = JsonHttp.JSON.createObjectNode();
        body.putArray("rrsets").add(change);
        JsonHttp.Answer answer = http.send(JsonHttp.request(zoneUri).header("X-API-Key", apiKey.secret().reveal())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString())), what);
        if (!answer.ok()) {
            throw failure(answer, what);
        }
    }

    private DnsException failure(JsonHttp.Answer answer, String what) {
        String detail;
        try {
            detail = JsonHttp.JSON.readTree(answer.body()).path("error").asText(JsonHttp.excerpt(answer.body()));
        } catch (Exception e) {
            detail = JsonHttp.excerpt(answer.body());
        }
        return http.failure(answer, what, detail, "create it (pdnsutil create-zone " + zone
                + ", or POST to the API's zones), or fix the zone, server id (" + server + ") or API URL");
    }
}
