package dev.fleet.cli;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.infra.dns.DnsBalancerObserver;
import dev.fleet.observed.BalancerObserver;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.infra.git.GitRevisionSource;
import dev.fleet.infra.haproxy.HaproxyBalancerObserver;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.droplet.SshDropletObserver;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.observed.FleetObserver;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The composition root: the one place that picks the edge implementations (SSH, Docker, HAProxy,
 * git) for the ports the core defines. Commands receive what they need by constructor.
 */
@Singleton
class FleetBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    StateLoader stateLoader() {
        return new StateLoader(System.getenv(), new GitRevisionSource());
    }

    /** The run's connections to its droplets: observing and then applying connect to each droplet once. */
    @Produces
    @Singleton
    DropletConnections dropletConnections() {
        return new DropletConnections(new SshConnector());
    }

    void closeConnections(@Disposes DropletConnections connections) {
        connections.close();
    }

    @Produces
    @Singleton
    FleetObserver fleetObserver(DropletConnections connections, Clock clock) {
        BalancerObserver haproxy = new HaproxyBalancerObserver();
        BalancerObserver dns = new DnsBalancerObserver();
        BalancerObserver balancer = state -> state.balancer() instanceof BalancerSpec.Dns
                ? dns.observe(state) : haproxy.observe(state);
        return new FleetObserver(new SshDropletObserver(connections, clock), balancer, clock);
    }
}
