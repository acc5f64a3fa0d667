package dev.fleet.desired.load;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DnsSpec;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RevisionSource;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.desired.SshSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Loads a desired-state file (see {@code fleet-state/example.yaml} for the format) into a validated
 * {@link DesiredState}: parsed safely, every value checked, defaults filled in, secrets resolved,
 * files it names checked to exist. All of it happens here, before anything connects anywhere; a
 * state that loads is one fleet can act on.
 *
 * <p>Contract: reads the file, the files it names and the git repository holding it; writes
 * nothing. Reports every problem of a file at once, in file order, as one {@link
 * InvalidStateException}. Never puts a secret's value in a message. Stateless: one loader may load
 * any number of files, from any thread.
 */
public final class StateLoader {

    static final Set<String> SECTIONS =
            Sections.keys("service", "services", "registry", "droplets", "ssh", "health", "drain", "balancer",
                    "rollout", "proxy", "dns");

    private final Map<String, String> environment;
    private final RevisionSource revisions;
    private final boolean offline;

    /**
     * @param environment fleet's environment (in production {@code System.getenv()}): where
     *                    {@code secret-from-env} and {@code password-from-env} look, {@code HOME}
     *                    for {@code ~}, {@code FLEET_SSH_PASSPHRASE} or {@code FLEET_SSH_PASSPHRASE_FILE}
     *                    for an encrypted identity file, {@code SSH_AUTH_SOCK} for the ssh-agent
     *                    when there is no identity file, and {@code FLEET_CLOUDFLARE_API} for another
     *                    Cloudflare API
     * @param revisions   tells which commit the file is
     */
    public StateLoader(Map<String, String> environment, RevisionSource revisions) {
        this(environment, revisions, false);
    }

    private StateLoader(Map<String, String> environment, RevisionSource revisions, boolean offline) {
        this.environment = Map.copyOf(environment);
        this.revisions = Objects.requireNonNull(revisions, "revisions");
        this.offline = offline;
    }

    /**
     * A loader that only {@link #check}s files, away from the machine that runs fleet (a pull
     * request's CI has no key, no secret and no droplet): every check of what the file says stays,
     * but nothing is read from fleet's environment (only {@code HOME}, for {@code ~}), no file the
     * state names is opened (identity file, known_hosts, secret files) and git is not asked.
     *
     * @param environment fleet's environment; only {@code HOME} is kept
     */
    public static StateLoader offline(Map<String, String> environment) {
        Map<String, String> home = environment.containsKey("HOME") ? Map.of("HOME", environment.get("HOME")) : Map.of();
        return new StateLoader(home, file -> Revision.notInGit(), true);
    }

    /**
     * What {@code fleet validate} says of a file that passed {@link #check}.
     *
     * @param file     the file, absolute
     * @param droplets the droplets' names, in rollout order
     * @param image    the service's image
     * @param balancer the balancer's kind, as the file names it
     * @param services every service, in roll order (the single {@code service:} form's one, too)
     */
    public record Checked(Path file, List<String> droplets, ImageRef image, String balancer,
            List<Service> services) {

        public Checked {
            droplets = List.copyOf(droplets);
            services = List.copyOf(services);
        }

        /**
         * One service as {@code fleet validate} lists it.
         *
         * @param role     its role, as the file names it
         * @param droplets the droplets it runs on, in rollout order
         */
        public record Service(String name, String role, List<String> droplets) {

            public Service {
                droplets = List.copyOf(droplets);
            }
        }
    }

    /**
     * Checks {@code file} as {@link #load} would, without what only the machine that runs fleet has
     * (see {@link #offline}; a loader made otherwise checks everything, as {@link #load} does).
     * Unlike {@link #load}, it gives no {@link DesiredState}: an offline one would hold stand-ins
     * for secrets and keys.
     *
     * @throws InvalidStateException with every problem found
     */
    public Checked check(Path file) throws InvalidStateException {
        DesiredState state = read(file);
        String balancer = switch (state.balancer()) {
            case BalancerSpec.Haproxy h -> "haproxy";
            case BalancerSpec.HealthCheck h -> "health-check";
            case BalancerSpec.Dns d -> "dns";
            case BalancerSpec.None n -> "none";
            case BalancerSpec.Cloud c -> c.provider().word();
        };
        List<Checked.Service> services = state.services().stream().map(s -> new Checked.Service(s.name(),
                s.role().word(), state.droplets().stream().filter(s::runsOn).map(DropletSpec::name).toList())).toList();
        return new Checked(state.file(), state.droplets().stream().map(DropletSpec::name).toList(),
                state.service().image(), balancer, services);
    }

    /**
     * The desired state that {@code file} describes.
     *
     * @throws InvalidStateException with every problem found, when the file cannot be used as it is
     */
    public DesiredState load(Path file) throws InvalidStateException {
        if (offline) {
            throw new IllegalStateException("an offline loader only checks files: its states hold stand-ins for secrets");
        }
        return read(file);
    }

    private DesiredState read(Path file) throws InvalidStateException {
        Problems problems = new Problems(file);
        Path absolute = file.toAbsolutePath().normalize();
        LoadContext context = new LoadContext(absolute.getParent(), environment, problems, offline);
        Optional<Parts> parts = SafeYaml.read(file, problems)
                .flatMap(root -> new Field("", root, problems).mapping(SECTIONS))
                .map(root -> read(root, context));
        problems.throwIfAny();
        Parts valid = parts.orElseThrow();
        ServicesSection.Read services = valid.services().orElseThrow();
        return new DesiredState(absolute, revision(absolute, problems), services.traffic(),
                valid.droplets().orElseThrow(), valid.ssh().orElseThrow(), valid.registry(),
                valid.health().orElseThrow(), valid.drain().orElseThrow(), valid.balancer().orElseThrow(),
                valid.rollout().orElseThrow(), valid.proxy(), valid.dns(), services.services());
    }

    /** The sections as read; each one empty only if it recorded a problem. */
    private record Parts(
            Optional<ServicesSection.Read> services,
            Optional<List<DropletSpec>> droplets,
            Optional<SshSettings> ssh,
            Optional<RegistryCredentials> registry,
            Optional<HealthSpec> health,
            Optional<DrainSpec> drain,
            Optional<BalancerSpec> balancer,
            Optional<RolloutPolicy> rollout,
            Optional<ProxySpec> proxy,
            Optional<DnsSpec> dns) {}

    private static Parts read(MappingReader root, LoadContext context) {
        String start = "; see fleet-state/example.yaml";
        Optional<RegistryCredentials> registry =
                root.optional("registry").flatMap(f -> RegistrySection.read(f, context));
        SshSection.Result ssh =
                SshSection.read(root.required("ssh", "how fleet reaches the droplets" + start), context);
        Optional<List<DropletSpec>> droplets = root.required("droplets", "the droplets, in rollout order" + start)
                .flatMap(f -> DropletsSection.read(f, ssh, context));
        // Read after ssh, since every stop-grace must be less than ssh.command-timeout, and after the
        // droplets, which services' on selects from. (Problems are reported in file order, whatever
        // the order of reading.)
        Optional<ServicesSection.Read> services =
                ServicesSection.read(root, context, ssh.commandTimeout(), droplets);
        // The top-level sections below (health, drain, proxy) apply to the traffic service.
        Optional<ServiceSpec> service = services.map(ServicesSection.Read::traffic);
        Optional<Field> serviceField = services.map(ServicesSection.Read::trafficField);
        OptionalInt dropletCount = droplets.map(list -> OptionalInt.of(list.size())).orElse(OptionalInt.empty());
        Optional<RolloutPolicy> rollout = RolloutSection.read(root.optional("rollout"), dropletCount);
        boolean blueGreen = rollout.map(RolloutPolicy::blueGreen).orElse(false);
        Optional<ProxySpec> proxy = root.optional("proxy").flatMap(f -> ProxySection.read(f, service));
        // Blue-green reaches the app through each colour's loopback port, never a published one.
        Optional<HealthSection.Published> published =
                blueGreen ? Optional.empty() : HealthSection.Published.of(service, serviceField);
        Optional<HealthSpec> readHealth = HealthSection.readHealth(root.optional("health"), published);
        Optional<HealthSpec> health = readHealth;
        Optional<DrainSpec> drain = HealthSection.readDrain(root.optional("drain"), published);
        Optional<BalancerSpec> balancer = root.required("balancer", "how fleet learns the balancer's view" + start)
                .flatMap(f -> BalancerSection.read(f, root.optional("droplets"), context));
        if (blueGreen) {
            health = blueGreen(root, services, proxy, balancer).flatMap(appPort ->
                    readHealth.map(h -> h.atPort(appPort)));
        } else {
            drainAndSwap(root, rollout, balancer);
        }
        Optional<DnsSpec> dns = root.optional("dns").flatMap(f -> DnsSection.read(f, context));
        dns(root, droplets, balancer, dns);
        if (balancer.filter(b -> b instanceof BalancerSpec.Dns).isPresent()) {
            balancer = dns.map(d -> new BalancerSpec.Dns(d.ttl()));
        }
        return new Parts(services, droplets, ssh.settings(), registry, health, drain, balancer, rollout, proxy, dns);
    }

    /**
     * What blue-green needs: a proxy, no published ports (two colours could not both bind them), no
     * drain (nothing leaves rotation) and no health port (checks go to each colour's own port).
     *
     * @return the app's port in its container, when all that holds
     */
    private static Optional<Integer> blueGreen(MappingReader root, Optional<ServicesSection.Read> services,
            Optional<ProxySpec> proxy, Optional<BalancerSpec> balancer) {
        Optional<ServiceSpec> service = services.map(ServicesSection.Read::traffic);
        Optional<Field> serviceField = services.map(ServicesSection.Read::trafficField);
        boolean valid = true;
        if (services.filter(s -> s.services().size() > 1).isPresent()) {
            root.optional("rollout").flatMap(Field::freeMapping).flatMap(m -> m.optional("strategy")).orElseThrow()
                    .problem("blue-green rolls one service for now, and services lists "
                            + services.get().services().size(), "use rollout.strategy: drain-and-swap with several"
                            + " services, or keep only the traffic service");
            valid = false;
        }
        if (root.optional("proxy").isEmpty()) {
            root.missing("required key 'proxy' is missing: rollout.strategy is blue-green", "add a proxy section with kind: nginx;"
                    + " see fleet-state/example.yaml");
            valid = false;
        }
        if (service.isPresent() && !service.get().ports().isEmpty()) {
            Field where = serviceField.flatMap(Field::freeMapping).flatMap(m -> m.optional("ports"))
                    .orElse(serviceField.orElseThrow());
            where.problem("publishes ports, which blue-green cannot do: the old and the new container run side"
                    + " by side and cannot both bind them", "remove service.ports; nginx on the droplet reaches"
                    + " each colour on a loopback port fleet publishes for proxy.app-port");
            valid = false;
        }
        Optional<Field> healthPort = root.optional("health").flatMap(Field::freeMapping).flatMap(m -> m.optional("port"));
        if (healthPort.isPresent()) {
            healthPort.get().problem("does not apply with blue-green: health checks go to proxy.app-port on each"
                    + " colour", "remove it, and set proxy.app-port if the app does not listen on "
                    + ProxySection.DEFAULT_APP_PORT);
            valid = false;
        }
        root.entry("drain").ifPresent(e -> e.keyField().problem("does not apply with blue-green: the droplet never"
                + " leaves rotation", "remove the drain section"));
        valid &= root.entry("drain").isEmpty();
        return valid && proxy.isPresent() && balancer.isPresent() ? proxy.map(ProxySpec::appPort) : Optional.empty();
    }

    /** A DNS balancer needs the dns section; the dns section needs every droplet's public address. */
    private static void dns(MappingReader root, Optional<List<DropletSpec>> droplets, Optional<BalancerSpec> balancer,
            Optional<DnsSpec> dns) {
        if (balancer.filter(b -> b instanceof BalancerSpec.Dns).isPresent() && root.optional("dns").isEmpty()) {
            root.optional("balancer").orElseThrow().problem("kind dns needs the dns section: which name, which"
                    + " provider", "add a dns section; see fleet-state/example.yaml");
        }
        if (root.optional("dns").isEmpty() || droplets.isEmpty()) {
            return;
        }
        List<String> without = droplets.get().stream().filter(d -> d.addresses().isEmpty()).map(DropletSpec::name)
                .toList();
        if (!without.isEmpty()) {
            root.optional("droplets").orElseThrow().problem(String.join(", ", without) + (without.size() == 1
                    ? " has" : " have") + " no public address for the dns section's name (its host is not an IP address)",
                    "give each droplet addresses: [203.0.113.10]");
        }
    }

    /** A drain-and-swap rollout takes a droplet out of a balancer: it needs one, and no proxy. */
    private static void drainAndSwap(MappingReader root, Optional<RolloutPolicy> rollout,
            Optional<BalancerSpec> balancer) {
        if (rollout.isEmpty()) {
            return;
        }
        root.entry("proxy").ifPresent(e -> e.keyField().problem("is only used by rollout.strategy: blue-green",
                "remove it, or set rollout.strategy: blue-green"));
        if (balancer.filter(b -> b instanceof BalancerSpec.None).isPresent()) {
            root.optional("balancer").orElseThrow().problem("kind none leaves drain-and-swap no way to take a"
                    + " droplet out of rotation: its users would see errors while its container is replaced",
                    "set rollout.strategy: blue-green, or name the balancer");
        }
    }

    private Revision revision(Path file, Problems problems) throws InvalidStateException {
        try {
            return revisions.revisionOf(file);
        } catch (IOException e) {
            problems.wholeFile("its git repository cannot be read: " + e.getMessage(),
                    "fleet reports which commit it acts on;"
                            + " repair the repository (git fsck) or move the file out of it");
            throw problems.toException();
        }
    }
}
