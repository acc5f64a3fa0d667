package dev.fleet.infra.droplet;

import dev.fleet.apply.ApplyException;
import dev.fleet.apply.DropletSession;
import dev.fleet.apply.HookMark;
import dev.fleet.apply.HookRun;
import dev.fleet.apply.Pause;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ProxySpec;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.SshSettings;
import dev.fleet.infra.docker.DropletConnection;
import dev.fleet.infra.droplet.containers.ContainerControl;
import dev.fleet.infra.droplet.containers.ContainerReader;
import dev.fleet.infra.droplet.containers.ForwardedHttp;
import dev.fleet.infra.droplet.containers.HealthProber;
import dev.fleet.infra.droplet.containers.OneOffContainer;
import dev.fleet.infra.droplet.journal.DropletJournal;
import dev.fleet.infra.droplet.journal.HookRecords;
import dev.fleet.infra.droplet.journal.ImagesRan;
import dev.fleet.infra.droplet.journal.JournalWriter;
import dev.fleet.infra.droplet.nginx.NginxProxy;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.observed.UnreachableReason;
import dev.fleet.plan.ContainerSpec;
import dev.fleet.plan.ImageRetention;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Changes one droplet over its SSH connection: the Docker Engine API through dial-stdio for the
 * container, port forwards for the app's endpoints.
 *
 * <p>A connection that fails under a call (reset, or silent past its timeout) is dropped, and the
 * call made again on a new one ({@link Retry}) when that is safe: reads, pulls, the journal, the
 * drain endpoint. Creating, starting, stopping and removing the container are never repeated
 * blindly: the container is looked at again first, and only what did not happen is done.
 */
final class SshDropletSession implements DropletSession {

    private final DropletConnections connections;
    private final DropletSpec droplet;
    private final SshSettings ssh;
    private final String service;
    private final Duration pullTimeout;
    private final Retry retry;
    private final ContainerControl containers;
    private final OneOffContainer oneOffs;
    private JournalWriter journal;

    /** @param clock and {@code pause} time a one-off's wait for its exit */
    SshDropletSession(DropletConnections connections, DropletSpec droplet, SshSettings ssh, String service,
            Optional<RegistryCredentials> registry, Duration pullTimeout, Retry retry, Clock clock, Pause pause) {
        this.connections = connections;
        this.droplet = droplet;
        this.ssh = ssh;
        this.service = service;
        this.pullTimeout = pullTimeout;
        this.retry = retry;
        this.containers = new ContainerControl(this::connection, registry);
        this.oneOffs = new OneOffContainer(this::connection, containers, clock, pause);
    }

    /** The droplet's connection now: the one the run holds, or a new one if that one broke. */
    private DropletConnection connection() throws DropletException {
        return connections.get(droplet, ssh);
    }

    /** Makes {@code call}, again on a new connection if the connection failed under it. */
    private <T> T retried(Retry.Call<T> call) throws ApplyException {
        try {
            return retry.call(call, failure -> connections.discard(droplet, ssh));
        } catch (DropletException e) {
            throw failure(e);
        }
    }

    @Override
    public void pull(ImageRef image) throws ApplyException {
        AtomicReference<String> error = new AtomicReference<>();
        // A pull is safe to repeat: what was downloaded stays.
        boolean finished = retried(() -> containers.pull(image, pullTimeout, error));
        if (!finished) {
            throw new ApplyException("pulling " + image + " took longer than " + pullTimeout.toSeconds() + "s", true, null);
        }
        if (error.get() != null) {
            throw new ApplyException("the droplet could not pull " + image + ": " + error.get()
                    + ". Check that the digest exists in the registry and that the droplet may read it");
        }
    }

    @Override
    public boolean hasImage(ImageSource image) throws ApplyException {
        return retried(() -> containers.hasImage(image));
    }

    @Override
    public Optional<ObservedContainer> container(String name) throws ApplyException {
        return retried(() -> containers.find(name));
    }

    @Override
    public void removeContainer(String name, Duration grace) throws ApplyException {
        AtomicBoolean repeating = new AtomicBoolean();
        retried(() -> {
            // Looked at again before anything is repeated: the stop or the removal may have happened.
            if (!repeating.getAndSet(true) || containers.find(name).isPresent()) {
                containers.stopAndRemove(name, grace);
            }
            return null;
        });
    }

    @Override
    public void startContainer(ContainerSpec spec) throws ApplyException {
        String run = spec.labels().getOrDefault(FleetLabels.ROLLOUT, "");
        AtomicBoolean repeating = new AtomicBoolean();
        retried(() -> {
            // The create or the start may have happened: a repeated attempt looks before it acts.
            Optional<ObservedContainer> existing =
                    repeating.getAndSet(true) ? containers.find(spec.name()) : Optional.empty();
            if (existing.isPresent() && !ours(existing.get(), spec, run)) {
                throw new DropletException(UnreachableReason.OTHER, "a container " + spec.name() + " appeared that this"
                        + " apply did not create (" + existing.get().state() + ", from " + existing.get().imageRef()
                        + "); nothing more was done");
            }
            String id = existing.isPresent() ? existing.get().id() : containers.create(spec);
            if (existing.isEmpty() || !existing.get().running()) {
                containers.start(spec.name(), id);
            }
            return null;
        });
    }

    @Override
    public Optional<HookMark> hookMark(String service, String kind, String digest) throws ApplyException {
        return retried(() -> new HookRecords(connection().ssh(), service).last(kind, digest));
    }

    @Override
    public void markHook(String service, String kind, String digest, HookMark mark) throws ApplyException {
        // Appending the same mark twice (a retry after a lost answer) says the same thing twice.
        retried(() -> {
            new HookRecords(connection().ssh(), service).mark(kind, digest, mark);
            return null;
        });
    }

    @Override
    public HookRun runOnce(ContainerSpec spec, List<String> command, Duration timeout) throws ApplyException {
        // Not retried: a hook (a migration) that may have run must not run again behind the user's back.
        try {
            return oneOffs.run(spec, command, timeout);
        } catch (DropletException e) {
            if (Retry.connectionFailed(e)) {
                // The next call gets a new connection rather than this one, which may be broken.
                connections.discard(droplet, ssh);
            }
            throw new ApplyException(spec.name() + " could not be run once on " + droplet.name() + ": "
                    + e.getMessage(), e.isTransient(), e);
        }
    }

    /** A container left by an attempt of this very call: its name, image and run are the spec's. */
    private static boolean ours(ObservedContainer container, ContainerSpec spec, String run) {
        return container.name().equals(spec.name()) && container.imageRef().equals(spec.image().reference())
                && run.equals(container.labels().get(FleetLabels.ROLLOUT));
    }

    @Override
    public List<String> pruneImages(String service, ImageRef running, int keep) throws ApplyException {
        // Recording the same image twice records it once; removing an image twice removes it once.
        ImagesRan.Record record = retried(() -> new ImagesRan(connection().ssh(), service).record(running.reference()));
        List<String> aimed = record.aimedDigests().stream().map(digest -> running.repository() + "@" + digest).toList();
        List<String> removed = new ArrayList<>();
        for (String image : ImageRetention.toRemove(record.ran(), aimed, running.reference(), keep)) {
            if (retried(() -> containers.removeImage(image))) {
                removed.add(image);
            }
        }
        return removed;
    }

    @Override
    public HealthProbe probe(HealthSpec health) {
        HealthProbe probe = probeOnce(health);
        if (!probe.healthy() && !connections.isOpen(droplet, ssh)) {
            // The connection died under the probe, which says nothing of the app: ask again on a new one.
            connections.discard(droplet, ssh);
            probe = probeOnce(health);
        }
        return probe;
    }

    private HealthProbe probeOnce(HealthSpec health) {
        try {
            return new HealthProber(new ForwardedHttp(connection().ssh())).probe(health);
        } catch (DropletException e) {
            return new HealthProbe(Optional.empty(), List.of("the droplet could not be asked: " + e.getMessage()));
        }
    }

    @Override
    public void callDrainEndpoint(DrainSpec drain) throws ApplyException {
        // Draining twice drains once: safe to repeat when the connection failed under the call.
        retried(() -> {
            try {
                new ForwardedHttp(connection().ssh()).send(drain.method(), drain.path(), drain.port(), DRAIN_TIMEOUT);
                return null;
            } catch (DropletException e) {
                throw e;
            } catch (IOException e) {
                throw new DropletException(UnreachableReason.OTHER, drain.method() + " " + drain.path() + " on port "
                        + drain.port() + " did not answer: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public ProxyRoute route(ProxySpec proxy, HealthSpec health) throws ApplyException {
        return retried(() -> {
            List<ObservedContainer> colours = new ContainerReader(connection()).read(service);
            return new NginxProxy(connection().ssh(), proxy).route(health, colours);
        });
    }

    @Override
    public void switchProxy(ProxySpec proxy, String container, int port) throws ApplyException {
        // Writing the same file and reloading again is the same switch: safe to repeat.
        retried(() -> {
            new NginxProxy(connection().ssh(), proxy).switchTo(service, container, port);
            return null;
        });
    }

    @Override
    public boolean proxyDraining(ProxySpec proxy) throws ApplyException {
        return retried(() -> new NginxProxy(connection().ssh(), proxy).draining());
    }

    @Override
    public void recordIntent(RolloutIntent intent) throws ApplyException {
        // Writing the same intent twice leaves one.
        journal(writer -> writer.intend(DropletJournal.line(intent)));
    }

    @Override
    public void endIntent(String run, String result) throws ApplyException {
        journal(writer -> writer.end(DropletJournal.endLine(run, result, Instant.now())));
    }

    @FunctionalInterface
    private interface JournalWrite {
        void write(JournalWriter writer) throws DropletException;
    }

    /** Writes through the droplet's journal writer, started on first use and again after a failure. */
    private void journal(JournalWrite write) throws ApplyException {
        retried(() -> {
            if (journal == null || !journal.isOpen()) {
                journal = JournalWriter.open(connection().ssh(), service, ssh.commandTimeout());
            }
            try {
                write.write(journal);
            } catch (DropletException e) {
                journal.close();
                journal = null;
                throw e;
            }
            return null;
        });
    }

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    /** Ends the journal writer; the connection stays open: it is the run's, and closes with it. */
    @Override
    public void close() {
        if (journal != null) {
            journal.close();
            journal = null;
        }
    }

    private static ApplyException failure(DropletException e) {
        return new ApplyException(e.getMessage(), e.isTransient(), e);
    }
}
