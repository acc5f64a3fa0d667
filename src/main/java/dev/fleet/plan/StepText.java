package dev.fleet.plan;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.Durations;
import dev.fleet.desired.ImageRef;
import java.util.Locale;

/** Steps in words, for the plan and the progress lines. Never a secret: steps hold none. */
public final class StepText {

    private StepText() {}

    /** The step in words; the balancer's four steps as {@code balancer} words them. */
    public static String describe(Step step, DesiredState state, BalancerRules balancer) {
        return switch (step) {
            case Step.PullImage pull -> "pull " + pull.image().repository() + "@" + pull.image().shortDigest();
            case Step.Drain d -> balancer.drain(state, state.droplet(d.droplet()));
            case Step.AwaitDrained a -> balancer.awaitDrained(state, a);
            case Step.Undrain u -> balancer.undrain(state, state.droplet(u.droplet()));
            case Step.AwaitInRotation a -> balancer.awaitInRotation(state, a);
            case Step.RemoveContainer r -> "stop (grace " + Durations.setting(r.grace()) + ") and remove container " + r.container()
                    + ", keeping its image";
            case Step.StartContainer s -> "start " + s.container().name() + " on " + imageOf(s.container());
            case Step.AwaitRunning r -> "wait until " + r.container() + " is healthy: its image's health check, else up for "
                    + Durations.setting(r.minUptime()) + " without a restart (at most " + Durations.setting(r.deadline()) + ")";
            case Step.AwaitHealthy h -> "wait until healthy: " + state.health().successes() + " successes in a row, then "
                    + Durations.setting(state.rollout().minHealthyTime()) + " healthy (at most " + Durations.setting(h.deadline()) + ")";
            case Step.Verify v -> "verify it runs " + v.digest().map(ImageRef::shortForm).orElse("its image")
                    + " and is healthy";
            case Step.StartColour s -> "start " + s.container().name() + " on " + imageOf(s.container())
                    + ", its port " + state.blueGreenProxy().appPort() + " on a free port of 127.0.0.1";
            case Step.AwaitColourHealthy h -> "wait until " + h.container() + " is healthy on its own port: "
                    + state.health().successes() + " successes in a row, then " + Durations.setting(state.rollout().minHealthyTime())
                    + " healthy (at most " + Durations.setting(h.deadline()) + ")";
            case Step.SwitchProxy s -> "point nginx at " + s.container() + " (" + state.blueGreenProxy().configFile()
                    + ", validated with '" + state.blueGreenProxy().testCommand() + "', then '"
                    + state.blueGreenProxy().reloadCommand() + "')";
            case Step.AwaitProxyRoute a -> "wait until nginx sends requests to " + a.container()
                    + " and it answers (at most " + Durations.setting(a.deadline()) + ")";
            case Step.VerifyColour v -> "verify nginx sends requests to " + v.container() + ", which runs "
                    + v.digest().map(ImageRef::shortForm).orElse("its image") + " and is healthy through nginx";
            case Step.PruneImages p -> "remove the images fleet ran here before, but the last " + p.keep()
                    + " (rollout.keep-images) and those a container uses";
            case Step.AwaitOldRequests a -> "let nginx's old workers finish their requests (at most "
                    + Durations.setting(a.deadline()) + ")";
        };
    }

    /** The step's kind in one word, as the rollout journal and the container labels record it ({@code remove-container}). */
    public static String kind(Step step) {
        return step.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The container's digest in short, or its image when the digest is not known. */
    private static String imageOf(ContainerSpec container) {
        return container.digest().map(ImageRef::shortForm).orElseGet(() -> container.image().reference());
    }
}
