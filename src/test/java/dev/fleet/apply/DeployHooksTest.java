package dev.fleet.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.DrainSpec;
import dev.fleet.desired.HealthSpec;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.ImageSource;
import dev.fleet.desired.ProxySpec;
import dev.fleet.observed.HealthProbe;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.observed.ProxyRoute;
import dev.fleet.observed.RolloutIntent;
import dev.fleet.plan.ContainerSpec;
import dev.fleet.plan.PlannedHook;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A deploy hook runs at most once per image, and an apply that died during one never runs it twice blindly. */
class DeployHooksTest {

    private static final String DIGEST = "sha256:" + "a".repeat(64);
    private static final PlannedHook HOOK = new PlannedHook("web", PlannedHook.PRE_DEPLOY, "d1",
            new ContainerSpec("web-pre-deploy", new ImageRef("registry/web", DIGEST),
                    new ContainerSettings(List.of(), Map.of(), "always", Map.of()), Map.of()),
            List.of("migrate"), Duration.ofMinutes(1), DIGEST, false);

    private final HookDroplet droplet = new HookDroplet();
    private final DeployHooks hooks = new DeployHooks("run2", Progress.NONE);

    @Test
    void aHookRunsMarkedStartedThenSucceededAndSaysHowItEnded() throws Exception {
        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.detail()).isEqualTo("exit 0 after 1.5s");
        assertThat(droplet.runs).isEqualTo(1);
        assertThat(droplet.marks).extracting(HookMark::state)
                .containsExactly(HookMark.State.STARTED, HookMark.State.SUCCEEDED);
    }

    @Test
    void aHookThatSucceededForThisImageIsNotRunAgain() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.SUCCEEDED, Optional.of(0)));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.detail()).isEqualTo("succeeded for this image in run run1; not run again");
        assertThat(droplet.runs).isZero();
    }

    @Test
    void aHookThatFailedBeforeRunsAgain() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.FAILED, Optional.of(3)));

        hooks.run(HOOK, droplet);

        assertThat(droplet.runs).isEqualTo(1);
    }

    @Test
    void aHookAnApplyDiedAfterIsJudgedByItsExitedContainerAndNotRunAgain() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.STARTED, Optional.empty()));
        droplet.left = Optional.of(container("exited", Optional.of(0)));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.detail()).contains("its container exited 0: not run again");
        assertThat(droplet.runs).isZero();
        assertThat(droplet.marks.getLast()).isEqualTo(new HookMark("run1", HookMark.State.SUCCEEDED, Optional.of(0)));
        assertThat(droplet.left).as("its container is removed").isEmpty();
    }

    @Test
    void aHookAnApplyDiedDuringThatFailedRunsAgain() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.STARTED, Optional.empty()));
        droplet.left = Optional.of(container("exited", Optional.of(2)));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(droplet.runs).isEqualTo(1);
    }

    @Test
    void aHookStillRunningFromADeadApplyStopsThisOne() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.STARTED, Optional.empty()));
        droplet.left = Optional.of(container("running", Optional.empty()));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.detail()).contains("still runs").contains("apply again once it has ended");
        assertThat(droplet.runs).isZero();
    }

    @Test
    void aHookWhoseEndWasNotRecordedAndWhoseContainerIsGoneIsNotRunTwiceBlindly() throws Exception {
        droplet.marks.add(new HookMark("run1", HookMark.State.STARTED, Optional.empty()));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.detail()).contains("it may have run").contains("~/.fleet/web/hooks on d1");
        assertThat(droplet.runs).isZero();
    }

    @Test
    void aHookThatRanOutOfTimeFailsAndSaysSo() throws Exception {
        droplet.result = new HookRun(Optional.empty(), true, "still migrating", Duration.ofMinutes(1));

        HookOutcome outcome = hooks.run(HOOK, droplet);

        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.detail()).startsWith("ran out of its 60s and was killed");
        assertThat(outcome.outputTail(100)).isEqualTo("still migrating");
        assertThat(droplet.marks.getLast().state()).isEqualTo(HookMark.State.FAILED);
    }

    private static ObservedContainer container(String state, Optional<Integer> exit) {
        return new ObservedContainer("id", "web-pre-deploy", Optional.of(DIGEST), "sha256:" + "f".repeat(64),
                "registry/web@" + DIGEST, state, 0, exit, Optional.of(Instant.EPOCH), Optional.empty(), Map.of());
    }

    /** A droplet that keeps hook marks and runs one-off containers; nothing else is asked of it here. */
    private static final class HookDroplet implements DropletSession {
        final List<HookMark> marks = new ArrayList<>();
        Optional<ObservedContainer> left = Optional.empty();
        HookRun result = new HookRun(Optional.of(0), false, "migrated", Duration.ofMillis(1500));
        int runs;

        @Override
        public HookRun runOnce(ContainerSpec spec, List<String> command, Duration timeout) {
            runs++;
            return result;
        }

        @Override
        public Optional<HookMark> hookMark(String service, String kind, String digest) {
            return marks.isEmpty() ? Optional.empty() : Optional.of(marks.getLast());
        }

        @Override
        public void markHook(String service, String kind, String digest, HookMark mark) {
            marks.add(mark);
        }

        @Override
        public Optional<ObservedContainer> container(String name) {
            return left;
        }

        @Override
        public void removeContainer(String name, Duration grace) {
            left = Optional.empty();
        }

        @Override
        public void pull(ImageRef image) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasImage(ImageSource image) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void startContainer(ContainerSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> pruneImages(String service, ImageRef running, int keep) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HealthProbe probe(HealthSpec health) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void callDrainEndpoint(DrainSpec drain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ProxyRoute route(ProxySpec proxy, HealthSpec health) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void switchProxy(ProxySpec proxy, String container, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean proxyDraining(ProxySpec proxy) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordIntent(RolloutIntent intent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void endIntent(String run, String result) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
    }
}
