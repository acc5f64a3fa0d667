package dev.fleet.desired.load;

import dev.fleet.desired.DnsSpec;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code dns:}, the round-robin name fleet keeps in step with the droplets' health. */
final class DnsSection {

    private static final Set<String> POWERDNS_KEYS = Sections.keys("zone", "server-id");
    private static final Set<String> CLOUDFLARE_KEYS = Sections.keys("zone-id");
    static final Set<String> KEYS = Sections.keys("provider", "name", "api", "zone", "server-id", "zone-id",
            "api-token-from-env", "api-token-from-file", "ttl", "interval", "failures", "successes", "check-port");

    private static final Pattern PROVIDER = Pattern.compile("powerdns|cloudflare");
    private static final Pattern DNS_NAME = Pattern.compile(
            "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?");
    private static final Pattern ZONE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final URI CLOUDFLARE_API = URI.create("https://api.cloudflare.com/client/v4");

    /**
     * Where the DNS API is, and so where its token is sent, is set by whoever runs fleet: read from
     * fleet's environment, never from the state. The state may live in a repository that more people
     * can push to than can log in where fleet runs: none of them may send the token to a host of
     * their choosing. Cloudflare's defaults to Cloudflare's own API (another one: a test double, an
     * egress proxy); PowerDNS, which runs wherever its owner put it, has no default. Either must be
     * https, or plain http to this machine's loopback only.
     */
    static final String CLOUDFLARE_API_VARIABLE = "FLEET_CLOUDFLARE_API";
    static final String POWERDNS_API_VARIABLE = "FLEET_POWERDNS_API";

    private DnsSection() {}

    static Optional<DnsSpec> read(Field field, LoadContext context) {
        return field.mapping(KEYS).flatMap(dns -> {
            Optional<Field> providerField = dns.required("provider", "powerdns or cloudflare");
            Optional<DnsSpec.Provider> provider = providerField
                    .flatMap(f -> f.text(PROVIDER, "a DNS provider fleet speaks to", "powerdns or cloudflare"))
                    .map(word -> word.equals("powerdns") ? DnsSpec.Provider.POWERDNS : DnsSpec.Provider.CLOUDFLARE);
            if (provider.isEmpty()) {
                return Optional.empty();
            }
            boolean powerdns = provider.get() == DnsSpec.Provider.POWERDNS;
            boolean foreign = false;
            for (String key : powerdns ? CLOUDFLARE_KEYS : POWERDNS_KEYS) {
                Optional<MappingReader.Entry> entry = dns.entry(key);
                entry.ifPresent(e -> e.keyField().problem("belongs to provider " + (powerdns ? "cloudflare" : "powerdns")
                        + ", not " + provider.get().word(), "remove it"));
                foreign |= entry.isPresent();
            }
            Optional<String> name = dns.required("name", "the name whose A/AAAA records are the droplets")
                    .flatMap(f -> f.text(DNS_NAME, "a DNS name", "a name such as www.example.com"));
            Optional<URI> api = operatorApi(dns, provider.get(), providerField.orElseThrow(), context);
            Optional<String> zone = powerdns
                    ? dns.required("zone", "the zone that holds the name, such as example.com")
                            .flatMap(f -> f.text(DNS_NAME, "a DNS zone", "a zone such as example.com"))
                    : dns.required("zone-id", "the zone's id, on the zone's overview page in Cloudflare")
                            .flatMap(f -> f.text(ZONE_ID, "a Cloudflare zone id", "32 lowercase hex digits"));
            Optional<String> server = dns.optional("server-id")
                    .map(f -> f.text(SERVER_ID, "a PowerDNS server id", "usually localhost"))
                    .orElse(Optional.of("localhost"));
            Optional<Secrets.Resolved> token = token(dns, context);
            Duration ttl = dns.duration("ttl", Duration.ofSeconds(60));
            if (ttl.toMillis() % 1000 != 0) {
                dns.optional("ttl").orElseThrow().problem("is not whole seconds, as DNS counts a TTL", "such as 60s");
            }
            Duration interval = dns.duration("interval", Duration.ofSeconds(5));
            int failures = dns.integer("failures", 2, 1, 100);
            int successes = dns.integer("successes", 2, 1, 100);
            int checkPort = dns.integer("check-port", 80, 1, 65535);
            if (foreign || ttl.toMillis() % 1000 != 0 || !Sections.allPresent(name, api, zone, server, token)) {
                return Optional.empty();
            }
            return Optional.of(new DnsSpec(provider.get(), name.get(), api.get(), zone.get(), server.get(),
                    token.get().secret(), token.get().source(), ttl, interval, failures, successes, checkPort));
        });
    }

    private static Optional<Secrets.Resolved> token(MappingReader dns, LoadContext context) {
        Optional<Field> fromEnv = dns.optional("api-token-from-env");
        Optional<Field> fromFile = dns.optional("api-token-from-file");
        if (fromEnv.isPresent() && fromFile.isPresent()) {
            fromFile.get().problem("give either api-token-from-env or api-token-from-file, not both");
            return Optional.empty();
        }
        if (fromEnv.isEmpty() && fromFile.isEmpty()) {
            dns.missing("required key 'api-token-from-env' (or 'api-token-from-file') is missing",
                    "name the environment variable or the file that holds the API key; never the key");
            return Optional.empty();
        }
        return fromEnv.map(f -> Secrets.fromEnv(f, context)).orElseGet(() -> Secrets.fromFile(fromFile.get(), context));
    }

    /** The provider's API as fleet's environment says, or Cloudflare's own; never one the state names. */
    private static Optional<URI> operatorApi(MappingReader dns, DnsSpec.Provider provider, Field providerField,
            LoadContext context) {
        boolean cloudflare = provider == DnsSpec.Provider.CLOUDFLARE;
        String variable = cloudflare ? CLOUDFLARE_API_VARIABLE : POWERDNS_API_VARIABLE;
        if (OperatorApi.refusedInState(dns, variable, "DNS API", cloudflare ? " to call another Cloudflare API"
                : " to PowerDNS's HTTP API, such as http://127.0.0.1:8081")) {
            return Optional.empty();
        }
        String text = context.env().getOrDefault(variable, "").strip();
        if (text.isEmpty()) {
            if (cloudflare || context.offline()) {
                return Optional.of(CLOUDFLARE_API);
            }
            providerField.problem("needs " + variable + " in fleet's environment: PowerDNS's HTTP API, where the"
                    + " token is sent", "export " + variable + "=http://127.0.0.1:8081 (https, or plain http to"
                    + " this machine's loopback)");
            return Optional.empty();
        }
        Optional<String> wrong = OperatorApi.wrong(text);
        if (wrong.isEmpty()) {
            return Optional.of(URI.create(text));
        }
        providerField.problem(OperatorApi.shown(variable, text) + " " + wrong.get(), (cloudflare
                ? "unset it to call " + CLOUDFLARE_API + ", or give an https URL" : "give an https URL") + ";"
                + " plain http only to a loopback address (127.0.0.1, [::1], localhost)");
        return Optional.empty();
    }
}
