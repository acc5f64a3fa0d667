package dev.fleet.desired.load;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.CloudProvider;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the balancer section of a cloud's kind ({@code kind: digitalocean}), and each droplet's id
 * in that cloud ({@code digitalocean-id}), which its load balancer lists droplets by.
 */
final class CloudSection {

    static final Set<String> KEYS = Sections.keys("load-balancer-id", "api-token-from-env", "drain-wait", "api");

    /**
     * How long a droplet out of the balancer keeps its container by default: the API says neither
     * when a removal reaches the balancer nor what it does with requests under way, so this is
     * margin for both, on top of the container's own stop grace. Long requests need more.
     */
    static final Duration DRAIN_WAIT = Duration.ofSeconds(15);
    static final Duration MAX_DRAIN_WAIT = Duration.ofMinutes(10);

    /** Safe in a URL path; each cloud's hint says what its ids look like. */
    private static final Pattern BALANCER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final Pattern DROPLET_ID = Pattern.compile("[1-9][0-9]{0,17}");

    private CloudSection() {}

    /** @param ids every droplet's id, as {@link #dropletIds} read them (empty when one was wrong) */
    static Optional<BalancerSpec> read(MappingReader balancer, CloudProvider provider,
            Optional<Map<String, Long>> ids, LoadContext context) {
        Optional<String> id = balancer.required("load-balancer-id", "the " + provider.title() + " load balancer's id")
                .flatMap(f -> f.text(BALANCER_ID, "a " + provider.title() + " load balancer id",
                        provider.balancerIdHint()));
        Optional<Field> tokenField = balancer.required("api-token-from-env", "the environment variable that holds"
                + " the " + provider.title() + " API token (FLEET_SECRET_...); never the token");
        Optional<Secrets.Resolved> token = tokenField.flatMap(f -> Secrets.fromEnv(f, context));
        Optional<Duration> drainWait = balancer.optional("drain-wait").map(CloudSection::drainWait)
                .orElse(Optional.of(DRAIN_WAIT));
        Optional<URI> api = api(balancer, provider, context);
        if (!Sections.allPresent(id, token, drainWait, api, ids)) {
            return Optional.empty();
        }
        String variable = token.get().source().replaceFirst("^env ", "");
        return Optional.of(new BalancerSpec.Cloud(provider, id.get(), api.get(), token.get().secret(), variable,
                drainWait.get(), ids.get()));
    }

    private static Optional<Duration> drainWait(Field field) {
        return field.duration().filter(wait -> {
            if (wait.compareTo(MAX_DRAIN_WAIT) > 0) {
                field.problem("is longer than 10m", "a droplet's requests in flight finish in seconds; a download"
                        + " that takes longer is cut by the container's stop anyway");
                return false;
            }
            return true;
        });
    }

    /** The cloud's API as fleet's environment says, or the cloud's own; never one the state names. */
    private static Optional<URI> api(MappingReader balancer, CloudProvider provider, LoadContext context) {
        String variable = provider.apiVariable();
        if (OperatorApi.refusedInState(balancer, variable, provider.title() + " API", " to call another "
                + provider.title() + " API (a test double, an egress proxy)")) {
            return Optional.empty();
        }
        String text = context.env().getOrDefault(variable, "").strip();
        if (text.isEmpty()) {
            return Optional.of(provider.defaultApi());
        }
        Optional<String> wrong = OperatorApi.wrong(text);
        if (wrong.isEmpty()) {
            return Optional.of(URI.create(text));
        }
        balancer.optional("kind").orElseThrow().problem(OperatorApi.shown(variable, text) + " " + wrong.get(),
                "unset it to call " + provider.defaultApi() + ", or give an https URL; plain http only to a loopback"
                        + " address (127.0.0.1, [::1], localhost)");
        return Optional.empty();
    }

    /**
     * Each droplet's id in {@code cloud} by the droplet's name: required on every droplet with a
     * cloud's kind, refused on any droplet with another kind ({@code kind}), unique. The droplets'
     * other keys are {@link DropletsSection}'s to read and report; this reads only the ids (and the
     * names they belong to), so nothing is reported twice.
     *
     * @return empty when a problem was recorded
     */
    static Optional<Map<String, Long>> dropletIds(Optional<Field> droplets, Optional<CloudProvider> cloud,
            String kind) {
        if (droplets.isEmpty() || !(droplets.get().node() instanceof SequenceNode)) {
            return Optional.of(Map.of());
        }
        Map<String, Long> ids = new LinkedHashMap<>();
        Map<Long, Field> seen = new HashMap<>();
        boolean valid = true;
        for (Field element : droplets.get().list().orElse(List.of())) {
            if (!(element.node() instanceof MappingNode)) {
                continue;
            }
            MappingReader droplet = element.freeMapping().orElseThrow();
            valid &= noOtherCloud(droplet, cloud, kind);
            if (cloud.isEmpty()) {
                continue;
            }
            Optional<Long> id = dropletId(droplet, cloud.get(), seen);
            id.ifPresent(value -> name(droplet).ifPresent(name -> ids.put(name, value)));
            valid &= id.isPresent();
        }
        return valid ? Optional.of(ids) : Optional.empty();
    }

    private static boolean noOtherCloud(MappingReader droplet, Optional<CloudProvider> cloud, String kind) {
        boolean valid = true;
        for (CloudProvider provider : CloudProvider.values()) {
            Optional<MappingReader.Entry> entry = droplet.entry(provider.dropletKey());
            if (entry.isPresent() && cloud.filter(provider::equals).isEmpty()) {
                entry.get().keyField().problem("belongs to balancer kind " + provider.word() + ", not " + kind,
                        "remove it, or set balancer.kind: " + provider.word());
                valid = false;
            }
        }
        return valid;
    }

    private static Optional<Long> dropletId(MappingReader droplet, CloudProvider cloud, Map<Long, Field> seen) {
        String key = cloud.dropletKey();
        Optional<Field> field = droplet.optional(key);
        if (field.isEmpty()) {
            droplet.missing("required key '" + key + "' is missing: balancer kind " + cloud.word() + " takes a droplet"
                    + " out of the load balancer by its " + cloud.title() + " id", cloud.dropletIdHint());
            return Optional.empty();
        }
        Optional<Long> id = field.get().text(DROPLET_ID, "a " + cloud.title() + " droplet id", cloud.dropletIdHint())
                .map(Long::parseLong);
        if (id.isEmpty()) {
            return id;
        }
        Field first = seen.putIfAbsent(id.get(), field.get());
        if (first != null) {
            String owner = first.path().substring(0, first.path().lastIndexOf('.'));
            field.get().problem(id.get() + " is already the " + key + " of " + owner + " (line "
                    + (first.mark().getLine() + 1) + ")", "every droplet has its own id in " + cloud.title());
            return Optional.empty();
        }
        return id;
    }

    /** The droplet's name when it is text; anything else is {@link DropletsSection}'s to report. */
    private static Optional<String> name(MappingReader droplet) {
        return droplet.optional("name").filter(f -> f.node() instanceof ScalarNode && !f.isNothing())
                .flatMap(Field::text);
    }
}
