package dev.fleet.wiring;

import dev.fleet.apply.Executor;
import dev.fleet.apply.Pause;
import dev.fleet.balancer.Balancers;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.init.HostKeyScanner;
import dev.fleet.desired.load.RegistryLogin;
import dev.fleet.desired.load.StateLoader;
import dev.fleet.desired.pin.PlainHttpRegistries;
import dev.fleet.desired.pin.SetImage;
import dev.fleet.infra.droplet.DropletConnections;
import dev.fleet.infra.droplet.SshContainerStreams;
import dev.fleet.infra.droplet.SshDropletObserver;
import dev.fleet.infra.droplet.SshDropletSessions;
import dev.fleet.infra.droplet.ledger.DropletLedger;
import dev.fleet.infra.git.GitRevisionSource;
import dev.fleet.infra.git.GitStateFiles;
import dev.fleet.infra.git.GitStateRevisions;
import dev.fleet.infra.host.LocalProcess;
import dev.fleet.infra.host.Owner;
import dev.fleet.infra.http.HttpProbe;
import dev.fleet.infra.registry.RegistryClient;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.infra.ssh.SshHostKeyScanner;
import dev.fleet.observed.FleetObserver;
import dev.fleet.rollout.Convergence;
import dev.fleet.rollout.Ledgers;
import dev.fleet.rollout.Rollback;
import dev.fleet.rollout.PlanRunner;
import dev.fleet.rollout.ledger.Ledger;
import dev.fleet.rollout.ledger.QuorumLedger;
import dev.fleet.streams.ContainerStreams;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The composition root: the one place that picks the edge implementations (SSH, Docker, the
 * balancer, git, this machine's processes) for the ports the core defines. Commands receive what
 * they need by constructor.
 */
@Singleton
public class FleetBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Loads states with fleet's own environment: the secrets a state names, and what only whoever
     * runs fleet may choose, such as {@code FLEET_CLOUDFLARE_API} (where the Cloudflare token goes).
     */
    @Produces
    @Singleton
    StateLoader stateLoader() {
        return new StateLoader(System.getenv(), new GitRevisionSource());
    }

    /** Asks droplets for their host keys, for fleet init; trusts none of them by itself. */
    @Produces
    @Singleton
    HostKeyScanner hostKeyScanner() {
        return new SshHostKeyScanner();
    }

    /** Pins images with the registry's HTTP API and commits with JGit; reads only the registry's password. */
    @Produces
    @Singleton
    SetImage setImage() {
        return new SetImage(new RegistryLogin(System.getenv()), new RegistryClient(), new GitStateFiles(),
                PlainHttpRegistries.from(System.getenv()));
    }

    /** Rolls the state file back to an earlier revision's images, from the history on the droplets. */
    @Produces
    @Singleton
    Rollback rollback(Ledgers ledgers) {
        return new Rollback(ledgers, new GitStateRevisions(), new GitStateFiles());
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
        return new FleetObserver(new SshDropletObserver(connections, clock),
                state -> Balancers.of(state).observe(state), clock);
    }

    @Produces
    @Singleton
    Convergence convergence(FleetObserver observer, DropletConnections connections, Clock clock) {
        PlanRunner runner = (state, plan, run, guard, progress) -> new Executor(state, run, guard,
                new SshDropletSessions(connections, state, clock, Pause.SLEEP), Balancers.of(state, clock), clock,
                Pause.SLEEP, progress, new HttpProbe(clock)).apply(plan);
        return new Convergence(observer, Balancers::of, ledgerOpener(connections), runner, LocalProcess.INSTANCE,
                Owner::describe, () -> Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16), clock,
                () -> LockLease.from(System.getenv()));
    }

    /** Execs and logs, on channels of their own over the run's connections. */
    @Produces
    @Singleton
    ContainerStreams containerStreams(DropletConnections connections) {
        return new SshContainerStreams(connections, System.getenv(), Pause.SLEEP);
    }

    @Produces
    @Singleton
    Ledgers ledgers(DropletConnections connections) {
        return new Ledgers(ledgerOpener(connections), Owner::describe);
    }

    private static Ledger.Opener ledgerOpener(DropletConnections connections) {
        return state -> QuorumLedger.open(state.droplets().stream().map(DropletSpec::name).toList(),
                DropletLedger.folder(state), name -> DropletLedger.open(connections, state, state.droplets().stream()
                        .filter(droplet -> droplet.name().equals(name)).findFirst().orElseThrow()));
    }
}
