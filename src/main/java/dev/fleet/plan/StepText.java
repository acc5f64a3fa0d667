package dev.fleet.plan;

import dev.fleet.desired.BalancerSpec;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.ImageRef;
import java.time.Duration;
import java.util.Locale;

/** Steps in words, for the plan and the progress lines. Never a secret: steps hold none. */
public final class StepText {

    private StepText() {}

    public static String describe(Step step, DesiredState state) {
        BalancerSpec balancer = state.balancer();
        boolean haproxy = balancer instanceof BalancerSpec.Haproxy;
        if (balancer instanceof BalancerSpec.Dns dns) {
            String name = state.dns().map(d -> d.name()).orElse("the DNS name");
            switch (step) {
                case Step.Drain d -> {
                    return "take its addresses out of " + name + " and call the drain endpoint ("
                            + state.drain().method() + " " + state.drain().path() + ")";
                }
                case Step.AwaitDrained a -> {
                    return "wait until " + name + " no longer lists it, then its TTL (" + seconds(dns.ttl())
                            + ") for resolvers to forget it (at most " + seconds(a.deadline()) + ")";
                }
                case Step.Undrain u -> {
                    return "put its addresses back in " + name;
                }
                case Step.AwaitInRotation a -> {
                    return "wait until " + name + " lists it again (at most " + seconds(a.deadline()) + ")";
                }
                default -> { }
            }
        }
        BalancerTiming timing = BalancerTiming.of(balancer, state.health(), state.rollout());
        return switch (step) {
            case Step.PullImage pull -> "pull " + pull.image().repository() + "@" + pull.image().shortDigest();
            case Step.Drain d -> haproxy
                    ? "drain in HAProxy (" + server(state, d.droplet()) + " state drain)"
                    : "call the drain endpoint (" + state.drain().method() + " " + state.drain().path() + ")";
            case Step.AwaitDrained a -> haproxy
                    ? "wait until HAProxy has it drained with no session left (at most " + seconds(a.deadline()) + ")"
                    : "wait until its health fails, then " + seconds(timing.settleAfterDrained())
                            + " for the balancer to drop it (at most " + seconds(a.deadline()) + ")";
            case Step.RemoveContainer r -> "stop (grace " + seconds(r.grace()) + ") and remove container " + r.container()
                    + ", keeping its image";
            case Step.StartContainer s -> "start " + state.service().name() + " on " + imageOf(s.container());
            case Step.AwaitHealthy h -> "wait until healthy: " + state.health().successes() + " successes in a row, then "
                    + seconds(state.rollout().minHealthyTime()) + " healthy (at most " + seconds(h.deadline()) + ")";
            case Step.Undrain u -> haproxy
                    ? "set it ready in HAProxy (" + server(state, u.droplet()) + " state ready)"
                    : "let the balancer's checks bring it back";
            case Step.AwaitInRotation a -> haproxy
                    ? "wait until HAProxy reports it UP (at most " + seconds(a.deadline()) + ")"
                    : "wait until " + seconds(timing.settleAfterInRotation())
                            + " after it turned healthy, for the balancer to send it traffic (checking it every "
                            + seconds(state.health().interval()) + "; a failed check starts the wait again)";
            case Step.Verify v -> "verify it runs " + v.digest().map(ImageRef::shortForm).orElse("its image")
                    + " and is healthy";
            case Step.StartColour s -> "start " + s.container().name() + " on " + imageOf(s.container())
                    + ", its port " + state.blueGreenProxy().appPort() + " on a free port of 127.0.0.1";
            case Step.AwaitColourHealthy h -> "wait until " + h.container() + " is healthy on its own port: "
                    + state.health().successes() + " successes in a row, then " + seconds(state.rollout().minHealthyTime())
                    + " healthy (at most " + seconds(h.deadline()) + ")";
            case Step.SwitchProxy s -> "point nginx at " + s.container() + " (" + state.blueGreenProxy().configFile()
                    + ", validated with '" + state.blueGreenProxy().testCommand() + "', then '"
                    + state.blueGreenProxy().reloadCommand() + "')";
            case Step.AwaitProxyRoute a -> "wait until nginx sends requests to " + a.container()
                    + " and it answers (at most " + seconds(a.deadline()) + ")";
            case Step.VerifyColour v -> "verify nginx sends requests to " + v.container() + ", which runs "
                    + v.digest().map(ImageRef::shortForm).orElse("its image") + " and is healthy through nginx";
            case Step.AwaitOldRequests a -> "let nginx's old workers finish their requests (at most "
                    + seconds(a.deadline()) + ")";
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

    private static String server(DesiredState state, String droplet) {
        String server = state.droplets().stream().filter(d -> d.name().equals(droplet)).findFirst()
                .map(d -> d.serverName()).orElse(droplet);
        return ((BalancerSpec.Haproxy) state.balancer()).backend() + "/" + server;
    }

    public static String seconds(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis % 100 == 0 ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0) : millis + "ms";
    }
}
