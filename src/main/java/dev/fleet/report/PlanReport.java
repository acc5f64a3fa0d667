package dev.fleet.report;

import dev.fleet.apply.CanarySoak;
import dev.fleet.desired.ContainerSettings;
import dev.fleet.desired.DesiredState;
import dev.fleet.desired.Durations;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.ImageRef;
import dev.fleet.desired.Limits;
import dev.fleet.desired.LocalImage;
import dev.fleet.desired.OnFailure;
import dev.fleet.desired.PortMapping;
import dev.fleet.desired.VolumeMount;
import dev.fleet.plan.BalancerRules;
import dev.fleet.plan.ContainerSpec;
import dev.fleet.plan.DropletPlan;
import dev.fleet.plan.Plan;
import dev.fleet.plan.PlannedHook;
import dev.fleet.plan.Step;
import dev.fleet.plan.StepText;
import dev.fleet.plan.Waves;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A plan in words: the ordered steps per droplet, and how long they should take. Under each step that
 * starts a container, the container it creates: image, ports, environment (a secret by its name
 * only), restart policy and labels.
 */
public final class PlanReport {

    private PlanReport() {}

    /** The pulls and pre-deploy hooks. */
    private static void beforeAnyDrain(StringBuilder text, Plan plan, DesiredState state) {
        text.append("\nBefore any drain, on every droplet that changes:\n");
        plan.preflight().stream().collect(Collectors.groupingBy(step -> StepText.describe(step, state, plan.balancer()),
                LinkedHashMap::new, Collectors.mapping(Step::droplet, Collectors.toList())))
                .forEach((description, droplets) -> text.append("  ").append(description).append(" (")
                        .append(String.join(", ", droplets)).append(")\n"));
        plan.hooks().stream().filter(PlannedHook::preDeploy).forEach(hook -> text.append("  run the ")
                .append(hook.describe()).append("; it must exit 0, else nothing is drained\n"));
    }

    /** How the droplets roll: one at a time, or in waves, and what a failure does then. */
    private static String pace(Plan plan, DesiredState state) {
        String budget = "max-unavailable " + state.rollout().maxUnavailable();
        if (!state.rollout().inWaves()) {
            return "one at a time (" + budget + ")";
        }
        Waves waves = plan.waves();
        return "in " + waves.sizes().size() + (waves.sizes().size() == 1 ? " wave" : " waves") + " of "
                + waves.sizes().stream().map(String::valueOf).collect(Collectors.joining(", ")) + " (up to "
                + waves.parallel() + " at once, " + budget + "; if a droplet fails, " + (state.rollout().onFailure()
                        == OnFailure.REVERT ? "every droplet already moved goes back" : "the rollout stops there")
                + waves.canary().map(canary -> "; the first wave is a canary, watched for "
                        + Durations.setting(canary.soak()) + " before the next").orElse("") + ")";
    }

    /** Before the first droplet of each wave, when the plan rolls in waves. */
    private static void waveHeading(StringBuilder text, List<List<DropletPlan>> waves, DropletPlan droplet, Plan plan) {
        for (int i = 0; i < waves.size(); i++) {
            if (i == 1 && waves.get(i).getFirst() == droplet && plan.waves().canary().isPresent()) {
                text.append("\nThen the first wave is the canary: ")
                        .append(CanarySoak.describe(plan.waves().canary().get()))
                        .append("; if it fails, it goes back and nothing else is touched\n");
            }
            if (waves.size() > 1 && waves.get(i).getFirst() == droplet
                    && (!plan.waves().sequential() || plan.waves().canary().isPresent())) {
                text.append("\nWave ").append(i + 1).append(" of ").append(waves.size()).append(": ")
                        .append(waves.get(i).stream().map(DropletPlan::droplet).collect(Collectors.joining(", ")))
                        .append(i + 1 < waves.size() ? "; the next wave starts once every one of them converged"
                                : "").append('\n');
            }
        }
    }

    public static String render(Plan plan, DesiredState state) {
        StringBuilder text = new StringBuilder();
        text.append("fleet plan: service ").append(plan.service()).append(", state ")
                .append(state.file().getFileName()).append(' ').append(ReportRows.revision(plan.revision())).append('\n');
        if (plan.isEmpty()) {
            text.append("Nothing to change: ").append(plan.unchanged().size()).append(plan.unchanged().size() == 1
                    ? " droplet runs" : " droplets run").append(" what the state says.\n");
            notes(text, plan);
            return text.toString();
        }
        text.append(plan.droplets().size()).append(plan.droplets().size() == 1 ? " droplet" : " droplets")
                .append(" to change, ").append(pace(plan, state)).append(", about ")
                .append(Durations.estimate(plan.estimate())).append(" in all");
        if (!plan.unchanged().isEmpty()) {
            text.append("; unchanged: ").append(String.join(", ", plan.unchanged()));
        }
        text.append(".\n");
        state.rollout().probe().ifPresent(probe -> text.append("While they roll, the probe asks ").append(probe.url())
                .append(' ').append(probe.rate()).append(" times a second (timeout ")
                .append(Durations.setting(probe.timeout())).append(')').append(probe.maxFailures().stream()
                        .mapToObj(most -> "; more than " + most + " failed stop the rollout").findFirst().orElse(""))
                .append(".\n"));
        notes(text, plan);
        beforeAnyDrain(text, plan, state);
        List<List<DropletPlan>> waves = plan.waves().split(plan.droplets());
        for (DropletPlan droplet : plan.droplets()) {
            waveHeading(text, waves, droplet, plan);
            text.append('\n').append(droplet.droplet()).append(": ")
                    .append(droplet.fromDigest().map(ImageRef::shortForm).orElse("nothing")).append(" -> ")
                    .append(ImageRef.shortForm(droplet.toDigest())).append(", about ").append(Durations.estimate(droplet.estimate()))
                    .append("\n  why: ").append(droplet.why()).append('\n');
            numbered(text, droplet.steps(), state, plan.balancer());
            if (droplet.rollback().stream().anyMatch(s -> s instanceof Step.StartContainer)) {
                text.append("  if the new container fails, roll back:\n");
                numbered(text, droplet.rollback(), state, plan.balancer());
            } else if (state.rollout().blueGreen()) {
                if (droplet.rollback().isEmpty()) {
                    text.append("  if it fails: leave the droplet as the failure finds it (auto-rollback off, or"
                            + " nothing to tidy)\n");
                } else {
                    text.append("  if it fails (before or after the switch), go back:\n");
                    numbered(text, droplet.rollback(), state, plan.balancer());
                }
            } else if (droplet.steps().stream().noneMatch(s -> s instanceof Step.Undrain)) {
                // A turn of workers, accessories or leftovers: the droplet never leaves rotation.
                text.append(droplet.rollback().isEmpty()
                        ? "  if it fails: leave it as the failure finds it (an accessory is never rolled back over its"
                                + " data); the rollout stops\n"
                        : "  if it fails: remove what it started (nothing ran before to go back to); the droplet"
                                + " stays in rotation\n");
            } else {
                text.append("  if the new container fails: remove it and leave the droplet out of rotation"
                        + " (no previous container to go back to)\n");
            }
        }
        plan.hooks().stream().filter(hook -> !hook.preDeploy()).forEach(hook -> text.append("\nAfter the last droplet: run the ")
                .append(hook.describe()).append(hook.rollbackOnFailure()
                        ? "; if it fails, every droplet goes back to what it ran before\n" : "; a failure is reported\n"));
        return text.toString();
    }

    /** What differs but is left out of this apply, and why. */
    private static void notes(StringBuilder text, Plan plan) {
        if (!plan.notes().isEmpty()) {
            text.append("Not in this apply: ").append(String.join("; ", plan.notes())).append(".\n");
        }
    }

    private static void numbered(StringBuilder text, List<Step> steps, DesiredState state, BalancerRules balancer) {
        for (int i = 0; i < steps.size(); i++) {
            text.append(String.format("  %2d. ", i + 1)).append(StepText.describe(steps.get(i), state, balancer)).append('\n');
            started(steps.get(i)).ifPresent(container -> container(text, container));
        }
    }

    private static Optional<ContainerSpec> started(Step step) {
        return switch (step) {
            case Step.StartContainer s -> Optional.of(s.container());
            case Step.StartColour s -> Optional.of(s.container());
            default -> Optional.empty();
        };
    }

    /** The container a start step creates, one setting a line, under the step. */
    private static void container(StringBuilder text, ContainerSpec container) {
        String image = switch (container.image()) {
            case ImageRef ref -> ref.reference();
            case LocalImage local -> local.id() + " (a local image)";
        };
        line(text, "container", container.name());
        line(text, "image", image);
        line(text, "ports", container.ports().stream().map(PlanReport::port).collect(Collectors.joining(", ")));
        line(text, "environment", environment(container.environment()));
        line(text, "restart", container.restart());
        settings(text, container.settings());
        line(text, "labels", container.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")));
    }

    /** The settings beyond ports, environment and restart: those set, and the log always (its rotation matters). */
    private static void settings(StringBuilder text, ContainerSettings settings) {
        // A command may carry a secret someone typed into it by hand: a rollback's is the running container's.
        settings.command().ifPresent(command -> line(text, "command", command.size() + " words"));
        settings.entrypoint().ifPresent(entrypoint -> line(text, "entrypoint", entrypoint.size() + " words"));
        if (!settings.volumes().isEmpty()) {
            line(text, "volumes", settings.volumes().stream().map(VolumeMount::text).collect(Collectors.joining(", ")));
        }
        if (!settings.networks().isEmpty()) {
            line(text, "networks", String.join(", ", settings.networks()));
        }
        settings.user().ifPresent(user -> line(text, "user", user));
        settings.workingDir().ifPresent(dir -> line(text, "working-dir", dir));
        line(text, "log", settings.log().driver().isEmpty() ? "the engine's default" : settings.log().driver()
                + settings.log().options().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", ", " (", ")")).replace(" ()", ""));
        Limits limits = settings.limits();
        if (!limits.equals(Limits.NONE)) {
            line(text, "limits", Stream.of(limits.memoryBytes().map(b -> "memory " + b + " bytes"),
                    limits.nanoCpus().map(n -> "cpus " + BigDecimal.valueOf(n, 9).stripTrailingZeros()
                            .toPlainString()),
                    limits.pids().map(p -> "pids " + p)).flatMap(Optional::stream).collect(Collectors.joining(", ")));
        }
        settings.stopSignal().ifPresent(signal -> line(text, "stop-signal", signal));
        settings.stopGrace().ifPresent(grace -> line(text, "stop-grace", Durations.setting(grace)));
        if (!settings.extraHosts().isEmpty()) {
            line(text, "extra-hosts", String.join(", ", settings.extraHosts()));
        }
        if (settings.init()) {
            line(text, "init", "true");
        }
    }

    private static void line(StringBuilder text, String name, String value) {
        text.append("        ").append(name).append(": ").append(value.isEmpty() ? "none" : value).append('\n');
    }

    /** {@code 127.0.0.1:8080->80/tcp}; host port 0 is a free port of Docker's choosing. */
    private static String port(PortMapping port) {
        return port.hostIp().map(ip -> ip + ":").orElse("") + (port.hostPort() == 0 ? "(free)" : port.hostPort())
                + "->" + port.containerPort() + "/" + port.protocol();
    }

    /** Plain values as {@code NAME=value}; a secret by its name only, never its value. */
    private static String environment(Map<String, EnvValue> environment) {
        return environment.entrySet().stream().map(e -> switch (e.getValue()) {
            case EnvValue.Plain plain -> e.getKey() + "=" + plain.value();
            case EnvValue.SecretValue secret -> e.getKey() + " (secret)";
        }).collect(Collectors.joining(", "));
    }
}
