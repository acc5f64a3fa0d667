package dev.fleet.desired;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The desired state of a fleet, as its state file says, validated: every droplet runs each of
 * {@code services} placed on it, at its desired image digest.
 *
 * @param file      the state file it was read from
 * @param revision  the git commit of that file
 * @param service   the service the balancer fronts (the single {@code service:} form's only one)
 * @param droplets  the droplets, in the order of the file (the rollout order)
 * @param ssh       how to reach them
 * @param registry  credentials for pulling, when the registry needs them
 * @param health    how to tell the app is healthy
 * @param drain     how to take a droplet out of the balancer
 * @param balancer  how to learn the balancer's view
 * @param rollout   how a rollout may proceed
 * @param proxy     the droplets' own proxy, which a blue-green rollout switches
 * @param dns       the round-robin DNS name in front of the droplets, when there is one
 * @param services  every service, in the order they roll (on each droplet, in one turn); {@code
 *                  service} among them
 */
public record DesiredState(
        Path file,
        Revision revision,
        ServiceSpec service,
        List<DropletSpec> droplets,
        SshSettings ssh,
        Optional<RegistryCredentials> registry,
        HealthSpec health,
        DrainSpec drain,
        BalancerSpec balancer,
        RolloutPolicy rollout,
        Optional<ProxySpec> proxy,
        Optional<DnsSpec> dns,
        List<ServiceSpec> services) {

    public DesiredState {
        droplets = List.copyOf(droplets);
        services = List.copyOf(services);
        if (!services.contains(service)) {
            throw new IllegalArgumentException("the fronted service " + service.name() + " is not among the services");
        }
    }

    /** A state of one service, on every droplet. */
    public DesiredState(Path file, Revision revision, ServiceSpec service, List<DropletSpec> droplets, SshSettings ssh,
            Optional<RegistryCredentials> registry, HealthSpec health, DrainSpec drain, BalancerSpec balancer,
            RolloutPolicy rollout, Optional<ProxySpec> proxy, Optional<DnsSpec> dns) {
        this(file, revision, service, droplets, ssh, registry, health, drain, balancer, rollout, proxy, dns,
                List.of(service));
    }

    /** A drain-and-swap state. */
    public DesiredState(Path file, Revision revision, ServiceSpec service, List<DropletSpec> droplets, SshSettings ssh,
            Optional<RegistryCredentials> registry, HealthSpec health, DrainSpec drain, BalancerSpec balancer,
            RolloutPolicy rollout) {
        this(file, revision, service, droplets, ssh, registry, health, drain, balancer, rollout, Optional.empty(),
                Optional.empty());
    }

    /** A state without a DNS name. */
    public DesiredState(Path file, Revision revision, ServiceSpec service, List<DropletSpec> droplets, SshSettings ssh,
            Optional<RegistryCredentials> registry, HealthSpec health, DrainSpec drain, BalancerSpec balancer,
            RolloutPolicy rollout, Optional<ProxySpec> proxy) {
        this(file, revision, service, droplets, ssh, registry, health, drain, balancer, rollout, proxy,
                Optional.empty());
    }

    /** The proxy of a blue-green state. */
    public ProxySpec blueGreenProxy() {
        return proxy.orElseThrow(() -> new IllegalStateException("not a blue-green state"));
    }

    /** The droplet named {@code name}; a name the state does not have is a caller's mistake. */
    public DropletSpec droplet(String name) {
        return droplets.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no droplet " + name + " in the state"));
    }

    /** The image {@code droplet} must run: its own pin (a canary), or the fleet's. The one place that says so. */
    public ImageRef desiredImage(DropletSpec droplet) {
        return droplet.image().orElse(service.image());
    }

    /**
     * The image {@code droplet} must run for {@code running}: a droplet's own pin applies to the
     * service the balancer fronts only.
     */
    public ImageRef desiredImage(DropletSpec droplet, ServiceSpec running) {
        return running.equals(service) ? desiredImage(droplet) : running.image();
    }

    /** The services {@code droplet} runs, in roll order. */
    public List<ServiceSpec> servicesOn(DropletSpec droplet) {
        return services.stream().filter(s -> s.runsOn(droplet)).toList();
    }

    /** The service named {@code name}, if the state has one. */
    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Whether the state has more than the one service of the single {@code service:} form, or hooks. */
    public boolean manyServices() {
        return services.size() > 1 || !service.hooks().isEmpty();
    }

    /**
     * The container {@code droplet} must run, beside its image and fleet's labels: the service's
     * settings with the droplet's own environment merged over the service's, and, on a blue-green
     * droplet, the app's port published on a free port of 127.0.0.1 only (its proxy publishes the
     * service). The one place that says so: the planner creates it, drift compares with it.
     */
    public ContainerSettings container(DropletSpec droplet) {
        return container(droplet, service);
    }

    /** The container {@code droplet} must run for {@code running}, as {@link #container(DropletSpec)} says. */
    public ContainerSettings container(DropletSpec droplet, ServiceSpec running) {
        Map<String, EnvValue> environment = new LinkedHashMap<>(running.environment());
        environment.putAll(droplet.environment());
        ContainerSettings settings = running.container().withEnvironment(environment);
        if (rollout.blueGreen() && running.equals(service)) {
            settings = settings.withPorts(List.of(new PortMapping(Optional.of("127.0.0.1"), 0,
                    blueGreenProxy().appPort(), "tcp")));
        }
        return settings;
    }
}
