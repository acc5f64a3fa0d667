package dev.fleet.apply;

import dev.fleet.desired.Durations;
import dev.fleet.observed.ObservedContainer;
import dev.fleet.plan.PlannedHook;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one deploy hook of a plan on its droplet, at most once per image, crash-safe: the droplet
 * records that the hook started before it starts and how it ended when it ends ({@link HookMark}).
 *
 * <ul>
 *   <li>A hook that succeeded for this image (an earlier apply ran it, then stopped or was killed)
 *       is not run again.
 *   <li>A hook an apply started and did not see end is judged from its container, which only a
 *       finished run removes: exited, its exit code is recorded and counts; still running, the apply
 *       stops and asks for another once it ends; gone, it may have run, and the apply stops rather
 *       than run it twice.
 *   <li>A hook that failed before is run again: a failed migration is retried once the cause is fixed.
 * </ul>
 */
final class DeployHooks {

    private final String run;
    private final Progress progress;

    DeployHooks(String run, Progress progress) {
        this.run = run;
        this.progress = progress;
    }

    HookOutcome run(PlannedHook hook, DropletSession session) throws InterruptedException {
        progress.note(hook.droplet(), hook.describe());
        HookOutcome outcome;
        try {
            outcome = attempt(hook, session);
        } catch (ApplyException e) {
            outcome = new HookOutcome(hook, Optional.empty(), false, "could not be run: " + e.getMessage());
        }
        progress.note(hook.droplet(), outcome.line());
        return outcome;
    }

    private HookOutcome attempt(PlannedHook hook, DropletSession session) throws ApplyException, InterruptedException {
        Optional<HookMark> mark = session.hookMark(hook.service(), hook.kind(), hook.digest());
        if (mark.isPresent() && mark.get().state() == HookMark.State.SUCCEEDED) {
            return new HookOutcome(hook, Optional.empty(), true, "succeeded for this image in run " + mark.get().run()
                    + "; not run again");
        }
        if (mark.isPresent() && mark.get().state() == HookMark.State.STARTED) {
            Optional<HookOutcome> adopted = adopt(hook, session, mark.get());
            if (adopted.isPresent()) {
                return adopted.get();
            }
        }
        session.markHook(hook.service(), hook.kind(), hook.digest(), new HookMark(run, HookMark.State.STARTED,
                Optional.empty()));
        HookRun ran = session.runOnce(hook.container(), hook.command(), hook.timeout());
        session.markHook(hook.service(), hook.kind(), hook.digest(), new HookMark(run,
                ran.succeeded() ? HookMark.State.SUCCEEDED : HookMark.State.FAILED, ran.exitCode()));
        String ended = ran.timedOut() ? "ran out of its " + Durations.setting(hook.timeout()) + " and was killed"
                : "exit " + ran.exitCode().map(String::valueOf).orElse("unknown");
        return new HookOutcome(hook, Optional.of(ran), ran.succeeded(), ended + " after " + Durations.took(ran.took()));
    }

    /**
     * What an apply that died during the hook left: the outcome to go by, or empty to run the hook
     * again (its container exited non-zero: a failure, retried as any failure is).
     */
    private Optional<HookOutcome> adopt(PlannedHook hook, DropletSession session, HookMark started)
            throws ApplyException {
        String name = hook.container().name();
        Optional<ObservedContainer> left = session.container(name);
        if (left.isEmpty()) {
            return Optional.of(new HookOutcome(hook, Optional.empty(), false, "run " + started.run() + " started it"
                    + " and did not record its end, and its container is gone: it may have run. Check what it"
                    + " does, then remove run " + started.run() + "'s lines from ~/.fleet/" + hook.service()
                    + "/hooks on " + hook.droplet() + " for fleet to run it again"));
        }
        if (left.get().running()) {
            return Optional.of(new HookOutcome(hook, Optional.empty(), false, "run " + started.run()
                    + " started it and it still runs (container " + name + "): apply again once it has ended"));
        }
        Optional<Integer> exit = left.get().exitCode();
        boolean succeeded = exit.equals(Optional.of(0));
        session.markHook(hook.service(), hook.kind(), hook.digest(), new HookMark(started.run(),
                succeeded ? HookMark.State.SUCCEEDED : HookMark.State.FAILED, exit));
        session.removeContainer(name, Duration.ofSeconds(1));
        if (!succeeded) {
            return Optional.empty();
        }
        return Optional.of(new HookOutcome(hook, Optional.empty(), true, "run " + started.run() + " ran it"
                + " and was stopped before recording its end; its container exited 0: not run again"));
    }
}
