package dev.fleet.desired.load;

import dev.fleet.desired.DeployHook;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Hooks;
import dev.fleet.desired.Placement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code hooks:} of an item of {@code services:}: a {@code pre-deploy} and a {@code
 * post-deploy} one-off container, each a command, a timeout and the droplet it runs on, and whether
 * a failed post-deploy hook rolls the fleet back. Whether the service's role may have hooks at all
 * is {@link ServicesSection}'s to say.
 */
final class HooksSection {

    static final Set<String> KEYS = Sections.keys("pre-deploy", "post-deploy", "rollback-on-failure");
    static final Set<String> HOOK_KEYS = Sections.keys("command", "timeout", "droplet");

    /**
     * The longest a hook may run: the apply waits for it with nothing drained (pre-deploy) or with
     * its report unwritten (post-deploy), so a longer one is a job of its own, not a hook.
     */
    static final Duration LONGEST = Duration.ofHours(1);

    private static final String COMMAND_HINT = "the program and its arguments, one word per element, such as"
            + " [\"/app/migrate\", \"up\"]; run from the service's new image";

    private HooksSection() {}

    /**
     * @param placement the droplets the service runs on, when its {@code on} could be read
     * @param droplets  the fleet's droplets, when they could be read: a hook's {@code droplet} must be
     *                  one the service runs on (checked only when both are known)
     */
    static Optional<Hooks> read(Field field, Optional<Placement> placement, Optional<List<DropletSpec>> droplets) {
        return field.mapping(KEYS).flatMap(hooks -> {
            Optional<Optional<DeployHook>> pre = hook(hooks, "pre-deploy", placement, droplets);
            Optional<Optional<DeployHook>> post = hook(hooks, "post-deploy", placement, droplets);
            boolean rollback = hooks.bool("rollback-on-failure", false);
            Optional<MappingReader.Entry> rollbackEntry = hooks.entry("rollback-on-failure");
            if (rollbackEntry.isPresent() && !hooks.has("post-deploy")) {
                rollbackEntry.get().keyField().problem("applies only with a post-deploy hook: it rolls the fleet"
                        + " back when that hook fails", "add a post-deploy hook, or remove rollback-on-failure");
                return Optional.empty();
            }
            return Sections.allPresent(pre, post)
                    ? Optional.of(new Hooks(pre.get(), post.get(), rollback))
                    : Optional.empty();
        });
    }

    /** The hook under {@code key}: empty inside when absent, empty outside when it could not be read. */
    private static Optional<Optional<DeployHook>> hook(MappingReader hooks, String key,
            Optional<Placement> placement, Optional<List<DropletSpec>> droplets) {
        Optional<Field> field = hooks.optional(key);
        if (field.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        return field.get().mapping(HOOK_KEYS).flatMap(hook -> {
            // The same reader as a service's command: a list of words, never one string for a shell.
            Optional<List<String>> command = hook.required("command", COMMAND_HINT)
                    .flatMap(f -> ContainerKeys.wordList(f, COMMAND_HINT));
            Optional<Duration> timeout = hook.optional("timeout").map(HooksSection::timeout)
                    .orElse(Optional.of(DeployHook.DEFAULT_TIMEOUT));
            Optional<Optional<String>> droplet = hook.optional("droplet")
                    .map(f -> droplet(f, placement, droplets).map(Optional::of))
                    .orElse(Optional.of(Optional.empty()));
            return Sections.allPresent(command, timeout, droplet)
                    ? Optional.of(Optional.of(new DeployHook(command.get(), timeout.get(), droplet.get())))
                    : Optional.empty();
        });
    }

    private static Optional<Duration> timeout(Field field) {
        return field.duration().filter(timeout -> {
            if (timeout.compareTo(LONGEST) > 0) {
                field.problem("is longer than 1h, the longest a deploy hook may run",
                        "a hook holds the apply while it runs; run longer work as a service of its own");
                return false;
            }
            return true;
        });
    }

    /** A droplet the service runs on, by name. */
    private static Optional<String> droplet(Field field, Optional<Placement> placement,
            Optional<List<DropletSpec>> droplets) {
        return field.text().filter(name -> {
            if (placement.isEmpty() || droplets.isEmpty()) {
                return true;
            }
            List<String> runsOn = droplets.get().stream().filter(placement.get()::includes).map(DropletSpec::name)
                    .toList();
            if (runsOn.contains(name)) {
                return true;
            }
            String hint = "one of the droplets the service runs on: " + String.join(", ", runsOn)
                    + "; leave droplet out to run the hook on the first of them";
            if (droplets.get().stream().anyMatch(d -> d.name().equals(name))) {
                field.problem("the service does not run on " + name, hint);
            } else {
                field.problem(Text.quote(name) + " names no droplet" + Suggestions.closest(name, runsOn)
                        .map(close -> "; did you mean '" + close + "'?").orElse(""), hint);
            }
            return false;
        });
    }
}
