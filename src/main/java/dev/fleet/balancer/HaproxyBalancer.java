package dev.fleet.balancer;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.apply.RequestCounts;
import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.infra.haproxy.HaproxyRuntimeApi;
import dev.fleet.infra.haproxy.ServerCounts;
import dev.fleet.observed.BalancerObservation.ServerState;
import dev.fleet.observed.BalancerObservation;
import dev.fleet.plan.BalancerTiming;
import dev.fleet.plan.Step;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drains and readies droplets through HAProxy's runtime API, and asks it instead of waiting: a
 * droplet is out of rotation once HAProxy has it in drain (or maintenance, or down) with no session
 * left, and back once HAProxy reports it UP. Its view of every droplet is read from the same API.
 */
final class HaproxyBalancer implements Balancer {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HaproxyRuntimeApi api;
    private final String backend;

    HaproxyBalancer(BalancerSpec.Haproxy haproxy) {
        this.api = new HaproxyRuntimeApi(haproxy.socket(), TIMEOUT);
        this.backend = haproxy.backend();
    }

    /** HAProxy is asked, so there is nothing to wait out; its estimates are what a drain and a return usually take. */
    @Override
    public BalancerTiming timing(HealthSpec health, RolloutPolicy rollout) {
        return BalancerTiming.asked(Duration.ZERO, BalancerTiming.ASKED_DRAIN.plus(BalancerTiming.ASKED_BACK), health,
                rollout);
    }

    @Override
    public Optional<String> refusalWhenUnreadable(String problem) {
        return Optional.of("HAProxy cannot be asked (" + problem + "): fleet drains through its runtime API and will"
                + " not guess; check balancer.socket and that fleet may use it");
    }

    @Override
    public String drain(DesiredState state, DropletSpec droplet) {
        return "drain in HAProxy (" + backend + "/" + droplet.serverName() + " state drain)";
    }

    @Override
    public String awaitDrained(DesiredState state, Step.AwaitDrained step) {
        return "wait until HAProxy has it drained with no session left (at most " + Durations.setting(step.deadline())
                + ")";
    }

    @Override
    public String undrain(DesiredState state, DropletSpec droplet) {
        return "set it ready in HAProxy (" + backend + "/" + droplet.serverName() + " state ready)";
    }

    @Override
    public String awaitInRotation(DesiredState state, Step.AwaitInRotation step) {
        return "wait until HAProxy reports it UP (at most " + Durations.setting(step.deadline()) + ")";
    }

    @Override
    public BalancerObservation observe(DesiredState state) {
        try {
            return new BalancerObservation.Servers(api.servers(backend));
        } catch (IOException e) {
            return new BalancerObservation.Unavailable(e.getMessage());
        }
    }

    @Override
    public void drain(DropletSpec droplet, DropletSession session) throws ApplyException {
        setState(droplet, "drain");
    }

    @Override
    public boolean outOfRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        ServerState server = server(droplet);
        boolean noNewTraffic = server.status().startsWith("DRAIN") || server.status().startsWith("MAINT")
                || server.status().startsWith("DOWN");
        return noNewTraffic && server.currentSessions() == 0;
    }

    @Override
    public void undrain(DropletSpec droplet, DropletSession session) throws ApplyException {
        setState(droplet, "ready");
    }

    @Override
    public boolean inRotation(DropletSpec droplet, DropletSession session) throws ApplyException {
        return server(droplet).status().startsWith("UP");
    }

    @Override
    public Optional<Map<String, RequestCounts>> requestCounts(List<DropletSpec> droplets) throws ApplyException {
        Map<String, ServerCounts> servers;
        try {
            servers = api.counts(backend);
        } catch (IOException e) {
            throw new ApplyException("HAProxy's counters could not be read: " + e.getMessage(), true, e);
        }
        Map<String, RequestCounts> counts = new LinkedHashMap<>();
        for (DropletSpec droplet : droplets) {
            ServerCounts server = servers.get(droplet.serverName());
            if (server != null) {
                counts.put(droplet.name(), new RequestCounts(server.requests(), server.failed()));
            }
        }
        return Optional.of(counts);
    }

    private void setState(DropletSpec droplet, String state) throws ApplyException {
        String command = "set server " + backend + "/" + droplet.serverName() + " state " + state;
        String answer;
        try {
            answer = api.execute(command).strip();
        } catch (IOException e) {
            throw new ApplyException("HAProxy did not take '" + command + "': " + e.getMessage(), true, e);
        }
        // The runtime API answers nothing on success, and a sentence on failure.
        if (!answer.isEmpty()) {
            throw new ApplyException("HAProxy refused '" + command + "': " + answer);
        }
    }

    private ServerState server(DropletSpec droplet) throws ApplyException {
        try {
            ServerState state = api.servers(backend).get(droplet.serverName());
            if (state == null) {
                throw new ApplyException("HAProxy's backend " + backend + " has no server " + droplet.serverName()
                        + ": set the droplet's balancer-server to the server's name in HAProxy's configuration");
            }
            return state;
        } catch (IOException e) {
            throw new ApplyException("HAProxy could not be asked: " + e.getMessage(), true, e);
        }
    }
}
