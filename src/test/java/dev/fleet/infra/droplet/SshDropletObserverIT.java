package dev.fleet.infra.droplet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.HealthSpec.ContentCheck;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.Revision;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.ServiceSpec;
import dev.fleet.infra.droplet.journal.JournalWriter;
import dev.fleet.infra.droplet.ledger.DropletLedger;
import dev.fleet.infra.ssh.LabTargets;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.observed.DropletObservation.Reached;
import dev.fleet.observed.DropletObservation.Unreachable;
import dev.fleet.observed.DropletObservation;
import dev.fleet.observed.FleetLabels;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.UnreachableReason;
import dev.fleet.rollout.ledger.Acquisition;
import dev.fleet.rollout.ledger.ApplyRecord;
import dev.fleet.rollout.ledger.BrokenLease;
import dev.fleet.rollout.ledger.HistoryEntry;
import dev.fleet.rollout.ledger.LockException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The observer against real droplets: what it reports is what the droplet's Docker engine and app
 * say, and a droplet it cannot reach is a value, not an exception. Also the ledger that the same
 * lab's first droplet keeps (lease and history), which needs no lab of its own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshDropletObserverIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final String APP = "demo";

    /** A new instance per test: each test connects afresh, as each run of fleet does. */
    private final DropletConnections connections = new DropletConnections(new SshConnector());
    private final SshDropletObserver observer = new SshDropletObserver(connections, Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void closeConnections() {
        connections.close();
    }

    @Test
    @Order(1)
    void seesTheRunningAppAtItsRegistryDigestAndHealthy() {
        LabDroplet droplet = lab.get().droplets().get(0);
        DesiredState state = state(List.of(new ContentCheck("/", "happy response")));
        DropletSpec spec = state.droplets().get(0);

        List<Long> timings = new ArrayList<>();
        DropletObservation observation = null;
        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            observation = observer.observe(state, spec);
            timings.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        System.out.printf("observe() of one droplet (connect, 2 lists, 1 inspect, 2 HTTP probes): %s ms,"
                + " the first in this JVM%n", timings);

        assertThat(observation).isInstanceOfSatisfying(Reached.class, reached -> {
            assertThat(reached.droplet()).isEqualTo(droplet.name());
            assertThat(reached.observedAt()).isEqualTo(NOW);
            assertThat(reached.containers()).singleElement().satisfies(demo -> {
                String v1 = digestOf(lab.get().env("LAB_IMAGE_V1"));
                assertThat(demo.name()).isEqualTo(lab.get().env("LAB_APP_CONTAINER"));
                assertThat(demo.digest()).contains(v1);
                assertThat(demo.imageId()).startsWith("sha256:").isNotEqualTo(v1);
                assertThat(demo.imageRef()).isEqualTo(lab.get().env("LAB_IMAGE_V1"));
                assertThat(demo.state()).isEqualTo("running");
                assertThat(demo.running()).isTrue();
                assertThat(demo.restartCount()).isZero();
                assertThat(demo.exitCode()).isEmpty();
                assertThat(demo.startedAt()).isPresent();
                assertThat(demo.labels()).containsEntry(FleetLabels.SERVICE, APP);
                // What the droplet's own docker says, asked another way.
                assertThat(lab.get().dockerOn(droplet, "inspect", "-f", "{{.Id}} {{.Image}}", APP).output().strip())
                        .isEqualTo(demo.id() + " " + demo.imageId());
            });
            assertThat(reached.health()).hasValueSatisfying(health -> {
                assertThat(health.status()).contains(200);
                assertThat(health.failures()).isEmpty();
            });
        });
    }

    @Test
    @Order(2)
    void aContentCheckThatDoesNotMatchIsAHealthFailure() {
        DesiredState state = state(List.of(new ContentCheck("/", "sad response")));

        DropletObservation observation = observer.observe(state, state.droplets().get(0));

        assertThat(observation).isInstanceOfSatisfying(Reached.class, reached ->
                assertThat(reached.health()).hasValueSatisfying(health -> {
                    assertThat(health.status()).contains(200);
                    assertThat(health.failures()).containsExactly("/ answered 200 but does not contain \"sad response\"");
                }));
    }

    @Test
    @Order(3)
    void findsContainersByExactNameOrByLabelAndResolvesATaggedImagesDigest() {
        LabDroplet droplet = lab.get().droplets().get(0);
        String v1 = lab.get().env("LAB_IMAGE_V1");
        String tagged = v1.substring(0, v1.indexOf('@')) + ":v1";
        check(lab.get().dockerOn(droplet, "tag", v1, tagged));
        // A container of the service by label only, from a tag; one whose name merely contains the
        // service's; one of another service.
        check(lab.get().dockerOn(droplet, "run", "-d", "--name", "demo-old", "--label", FleetLabels.SERVICE + "=" + APP, tagged));
        check(lab.get().dockerOn(droplet, "create", "--name", "demo2", v1));
        check(lab.get().dockerOn(droplet, "create", "--name", "other", "--label", FleetLabels.SERVICE + "=other", v1));
        try {
            DesiredState state = state(List.of());
            DropletObservation observation = observer.observe(state, state.droplets().get(0));

            assertThat(observation).isInstanceOfSatisfying(Reached.class, reached -> {
                assertThat(reached.containers()).extracting(ObservedContainer::name).containsExactly(APP, "demo-old");
                ObservedContainer old = reached.containers().get(1);
                assertThat(old.imageRef()).isEqualTo(tagged);
                assertThat(old.digest()).contains(digestOf(v1));
                assertThat(old.running()).isTrue();
            });
        } finally {
            lab.get().dockerOn(droplet, "rm", "-f", "demo-old", "demo2", "other");
        }
    }

    @Test
    @Order(4)
    void aStoppedAppIsSeenExitedAndIsNotProbed() {
        LabDroplet droplet = lab.get().droplets().get(0);
        check(lab.get().dockerOn(droplet, "stop", "-t", "5", APP));
        try {
            DesiredState state = state(List.of());
            DropletObservation observation = observer.observe(state, state.droplets().get(0));

            assertThat(observation).isInstanceOfSatisfying(Reached.class, reached -> {
                assertThat(reached.containers()).singleElement().satisfies(demo -> {
                    assertThat(demo.state()).isEqualTo("exited");
                    assertThat(demo.exitCode()).isPresent();
                    assertThat(demo.finishedAt()).isPresent();
                    assertThat(demo.digest()).contains(digestOf(lab.get().env("LAB_IMAGE_V1")));
                });
                assertThat(reached.health()).isEmpty();
            });
        } finally {
            check(lab.get().dockerOn(droplet, "start", APP));
        }
    }

    @Test
    @Order(5)
    void anAppThatWasToldToShutDownFailsItsHealthCheck() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(1);
        HttpResponse<String> shutdown = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(lab.get().appUri(droplet, "/shutdown")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(shutdown.statusCode()).isEqualTo(200);

        DesiredState state = state(List.of(new ContentCheck("/", "happy response")));
        DropletObservation observation = observer.observe(state, state.droplets().get(1));

        assertThat(observation).isInstanceOfSatisfying(Reached.class, reached ->
                assertThat(reached.health()).hasValueSatisfying(health -> {
                    assertThat(health.status()).contains(503);
                    // Draining: /health fails while / still serves.
                    assertThat(health.failures()).containsExactly("/health answered 503 (expected 200)");
                }));
    }

    @Test
    @Order(6)
    void anAppPortNothingListensOnIsAHealthFailureNotAnUnreachableDroplet() {
        DesiredState state = state(List.of());
        DesiredState wrongPort = new DesiredState(state.file(), state.revision(), state.service(), state.droplets(),
                state.ssh(), state.registry(), new HealthSpec("/health", 81, 200, List.of(), Duration.ofSeconds(2), 1,
                        Duration.ofSeconds(1)), state.drain(), state.balancer(), state.rollout());

        DropletObservation observation = observer.observe(wrongPort, wrongPort.droplets().get(0));

        assertThat(observation).isInstanceOfSatisfying(Reached.class, reached ->
                assertThat(reached.health()).hasValueSatisfying(health -> {
                    assertThat(health.status()).isEmpty();
                    assertThat(health.failures()).singleElement().asString()
                            .startsWith("/health did not answer: nothing accepts connections at 127.0.0.1:81 on the droplet");
                }));
    }

    @Test
    @Order(7)
    void aDropletThatIsOffIsUnreachableWithinTheConnectTimeout() {
        LabDroplet droplet = lab.get().droplets().get(1);
        lab.get().stopDroplet(droplet);
        DesiredState state = state(List.of());
        long started = System.nanoTime();

        DropletObservation observation = observer.observe(state, state.droplets().get(1));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(observation).isInstanceOfSatisfying(Unreachable.class, unreachable -> {
            assertThat(unreachable.droplet()).isEqualTo(droplet.name());
            assertThat(unreachable.observedAt()).isEqualTo(NOW);
            assertThat(unreachable.reason()).isIn(UnreachableReason.REFUSED, UnreachableReason.TIMEOUT);
            assertThat(unreachable.detail()).contains("127.0.0.1:" + droplet.sshPort());
            System.out.printf("A droplet that is off: %s in %d ms: %s%n", unreachable.reason(), took.toMillis(),
                    unreachable.detail());
        });
        assertThat(took).isLessThan(LabTargets.CONNECT_TIMEOUT);
    }

    @Test
    @Order(8)
    void anUnknownHostKeyIsUnreachableWithTheLineToAdd() {
        LabDroplet droplet = lab.get().droplets().get(0);
        Path knownHosts = LabTargets.write(lab.get().dir().resolve("infra-observe"), "known_hosts",
                LabTargets.knownHostsWithout(lab.get(), droplet));
        DesiredState state = state(List.of());
        DesiredState unknown = new DesiredState(state.file(), state.revision(), state.service(), state.droplets(),
                LabTargets.withKnownHosts(state.ssh(), knownHosts), state.registry(), state.health(), state.drain(),
                state.balancer(), state.rollout());

        DropletObservation observation = observer.observe(unknown, unknown.droplets().get(0));

        assertThat(observation).isInstanceOfSatisfying(Unreachable.class, unreachable -> {
            assertThat(unreachable.reason()).isEqualTo(UnreachableReason.HOST_KEY_UNKNOWN);
            assertThat(unreachable.detail()).contains("[127.0.0.1]:" + droplet.sshPort() + " ssh-ed25519 AAAA");
        });
    }

    @Test
    @Order(9)
    void aLeaseWhoseOwnerHoldsExpiresIsRenewedInItsOwnExpiresField() throws Exception {
        DesiredState state = state(List.of());
        String owner = "ci-expires=1@runner";
        try (DropletLedger ledger = DropletLedger.open(connections, state, state.droplets().getFirst())) {
            Acquisition taken = ledger.acquire("run-1", owner, "0123abcd", Duration.ofSeconds(60), Optional.empty(),
                    Optional.empty());
            assertThat(taken).isInstanceOf(Acquisition.Acquired.class);
            Instant firstExpiry = ((Acquisition.Acquired) taken).lease().expires();

            assertThat(ledger.renew("run-1", Duration.ofSeconds(600))).isTrue();

            assertThat(leaseLine()).startsWith("run=run-1 owner=" + owner + " commit=0123abcd since=");
            Acquisition other = ledger.acquire("run-2", "someone-else", "0123abcd", Duration.ofSeconds(60),
                    Optional.empty(), Optional.empty());
            assertThat(other).isInstanceOfSatisfying(Acquisition.Held.class, held -> {
                assertThat(held.holder().owner()).isEqualTo(owner);
                assertThat(held.holder().expires()).isAfterOrEqualTo(firstExpiry.plusSeconds(500));
            });
            ledger.release("run-1");
        } finally {
            lab.get().ssh(lab.get().droplets().get(0).name(), "rm", "-rf", ".fleet/" + APP);
        }
    }

    @Test
    @Order(10)
    void aGarbledLeaseIsALockErrorThatSaysWhatIsWrongAndThatUnlockBreaksIt() throws Exception {
        DesiredState state = state(List.of());
        String garbled = "run=run-1 owner=ci commit=0123abcd since=1 expires=soon process=-";
        writeLease(garbled);
        try (DropletLedger ledger = DropletLedger.open(connections, state, state.droplets().getFirst())) {
            assertThatThrownBy(() -> ledger.acquire("run-2", "ci", "0123abcd", Duration.ofSeconds(60),
                    Optional.empty(), Optional.empty()))
                    .isInstanceOf(LockException.class)
                    .hasMessageContaining("droplet-1:~/.fleet/" + APP)
                    .hasMessageContaining("expires is 'soon'")
                    .hasMessageContaining("fleet unlock");
            assertThatThrownBy(() -> ledger.renew("run-1", Duration.ofSeconds(60)))
                    .isInstanceOf(LockException.class)
                    .hasMessageContaining("expires is 'soon'");
            assertThat(leaseLine()).as("a lease fleet cannot read is left as it is").isEqualTo(garbled);

            assertThat(ledger.breakLease("carol")).contains(
                    new BrokenLease.Unreadable("its expires is 'soon', not a time in seconds since 1970"));
            assertThat(ledger.acquire("run-2", "ci", "0123abcd", Duration.ofSeconds(60), Optional.empty(),
                    Optional.empty())).isInstanceOf(Acquisition.Acquired.class);
            assertThat(ledger.recent(5)).last().isInstanceOfSatisfying(HistoryEntry.LeaseBroken.class, broken -> {
                assertThat(broken.by()).isEqualTo("carol");
                assertThat(broken.lease()).isEqualTo(garbled);
            });

            // Quotes, a backslash, a second line: the history keeps its JSON lines whole all the same.
            writeLease("run=run-3 owner=\"ci\\\" commit=0123abcd since=1 expires=2\nmore");
            assertThat(ledger.breakLease("carol")).contains(new BrokenLease.Unreadable("it has more than one line"));
            assertThat(ledger.recent(5)).last().isInstanceOfSatisfying(HistoryEntry.LeaseBroken.class,
                    broken -> assertThat(broken.lease()).isEqualTo("run=run-3 owner=_ci__ commit=0123abcd since=1 expires=2_more"));
        } finally {
            lab.get().ssh(lab.get().droplets().get(0).name(), "rm", "-rf", ".fleet/" + APP);
        }
    }

    @Test
    @Order(11)
    void aHistoryRecordOf200KiBIsKeptAndReadBackWhole() throws Exception {
        DesiredState state = state(List.of());
        // Past Linux's 128 KiB limit on one argument: the record must not travel as one.
        String failure = "a failure \"quoted\", on\nmany lines, ünïcödé; ".repeat(200 * 1024 / 40);
        ApplyRecord record = new ApplyRecord("run-big", "ci", "0123abcd", Instant.parse("2026-01-02T03:04:05Z"),
                Duration.ofSeconds(42), "failed", List.of(new ApplyRecord.DropletRecord("droplet-1", "sha256:aa",
                        "sha256:bb", "failed", List.of("start demo: 1.2s FAILED: " + failure.substring(0, 1000)))),
                Optional.of(failure));
        try (DropletLedger ledger = DropletLedger.open(connections, state, state.droplets().getFirst())) {
            ledger.append(record);

            assertThat(ledger.recent(3)).last().isEqualTo(new HistoryEntry.Apply(record));
        } finally {
            lab.get().ssh(lab.get().droplets().get(0).name(), "rm", "-rf", ".fleet/" + APP);
        }
    }

    @Test
    @Order(12)
    void aHistoryRecordOverTheLimitIsRefusedAndTheReadOfTheHistoryIsBounded() throws Exception {
        DesiredState state = state(List.of());
        try (DropletLedger ledger = DropletLedger.open(connections, state, state.droplets().getFirst())) {
            assertThatThrownBy(() -> ledger.append(record("run-huge", "x".repeat(1024 * 1024))))
                    .isInstanceOf(LockException.class)
                    .hasMessageContaining("the history record of run run-huge is")
                    .hasMessageContaining("more than the 1 MiB fleet keeps of one apply; it was not written to droplet-1");
            assertThat(ledger.recent(10)).isEmpty();

            // Five records of 900 KB: the read takes the newest 4 MiB of them, the newest four whole.
            for (int i = 1; i <= 5; i++) {
                ledger.append(record("run-" + i, String.valueOf(i).repeat(900_000)));
            }

            assertThat(ledger.recent(10)).extracting(entry -> ((HistoryEntry.Apply) entry).record().run())
                    .containsExactly("run-2", "run-3", "run-4", "run-5");
            assertThat(ledger.recent(2)).extracting(entry -> ((HistoryEntry.Apply) entry).record().run())
                    .containsExactly("run-4", "run-5");
        } finally {
            lab.get().ssh(lab.get().droplets().get(0).name(), "rm", "-rf", ".fleet/" + APP);
        }
    }

    @Test
    @Order(13)
    void aDropletRefusesTheStepOfARunWhoseLeaseItDoesNotHoldOrThatLapsed() throws Exception {
        DesiredState state = state(List.of());
        long now = Instant.now().getEpochSecond();
        String intentOfA = "run=run-a step=1 phase=forward to=sha256:aa from= from-digest= at=" + now;
        String intentOfB = "run=run-b step=1 phase=forward to=sha256:bb from= from-digest= at=" + now;
        try (JournalWriter journal = JournalWriter.open(connections.get(state.droplets().getFirst(), state.ssh()).ssh(),
                APP, Duration.ofSeconds(10))) {
            assertThatThrownBy(() -> journal.intend(intentOfB))
                    .hasMessageContaining("refused: this droplet holds no apply lease for run run-b");

            writeLease("run=run-a owner=ci commit=0123abcd since=" + now + " expires=" + (now + 600));
            assertThatThrownBy(() -> journal.intend(intentOfB))
                    .hasMessageContaining("refused: this droplet's apply lease is run run-a's, not run run-b's");
            journal.intend(intentOfA);

            writeLease("run=run-a owner=ci commit=0123abcd since=" + (now - 700) + " expires=" + (now - 100));
            assertThatThrownBy(() -> journal.intend(intentOfA))
                    .hasMessageContaining("refused: run run-a's apply lease on this droplet lapsed");

            Lab.CommandResult written = lab.get().ssh(lab.get().droplets().get(0).name(), "cat", ".fleet/" + APP + "/journal");
            assertThat(written.output().strip()).isEqualTo(intentOfA);
        } finally {
            lab.get().ssh(lab.get().droplets().get(0).name(), "rm", "-rf", ".fleet/" + APP);
        }
    }

    private static ApplyRecord record(String run, String failure) {
        return new ApplyRecord(run, "ci", "0123abcd", Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(1),
                "failed", List.of(), Optional.of(failure));
    }

    private static String leaseLine() {
        Lab.CommandResult lease = lab.get().ssh(lab.get().droplets().get(0).name(), "cat", ".fleet/" + APP + "/lease");
        check(lease);
        return lease.output().strip();
    }

    /** Writes the lease file on the first droplet, whatever {@code line} holds. */
    private static void writeLease(String line) {
        String encoded = Base64.getEncoder().encodeToString((line + "\n").getBytes(StandardCharsets.UTF_8));
        check(lab.get().ssh(lab.get().droplets().get(0).name(), "sh", "-c", "'mkdir -p .fleet/" + APP + " && echo "
                + encoded + " | base64 -d > .fleet/" + APP + "/lease'"));
    }

    /** The lab fleet's desired state, as records: the YAML loader is not what is tested here. */
    private static DesiredState state(List<ContentCheck> checks) {
        Lab l = lab.get();
        String v1 = l.env("LAB_IMAGE_V1");
        int port = Integer.parseInt(l.env("LAB_APP_PORT"));
        ServiceSpec service = new ServiceSpec(l.env("LAB_APP_CONTAINER"),
                new ImageRef(v1.substring(0, v1.indexOf('@')), digestOf(v1)),
                List.of(new PortMapping(Optional.empty(), port, port, "tcp")), Map.of(), "always", Map.of());
        List<DropletSpec> droplets = l.droplets().stream().map(d -> LabTargets.droplet(l, d)).toList();
        return new DesiredState(Path.of(l.env("LAB_STATE_FILE")), Revision.notInGit(), service, droplets,
                LabTargets.ssh(l), Optional.empty(),
                new HealthSpec("/health", port, 200, checks, Duration.ofSeconds(2), 3, Duration.ofSeconds(1)),
                new DrainSpec("/shutdown", "GET", port),
                new BalancerSpec.Haproxy(Path.of(l.env("LAB_HAPROXY_SOCKET")), l.env("LAB_HAPROXY_BACKEND")),
                new RolloutPolicy(1, true, Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }

    private static String digestOf(String imageReference) {
        return imageReference.substring(imageReference.indexOf('@') + 1);
    }

    private static void check(Lab.CommandResult result) {
        assertThat(result.succeeded()).as(result.output()).isTrue();
    }
}
