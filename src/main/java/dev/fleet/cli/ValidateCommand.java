package dev.fleet.cli;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.load.StateLoader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fleet validate}: checks a state file without the droplets, the SSH key, known_hosts or the
 * secrets, so that a pull request's CI, which has none of them, can refuse a broken state before it
 * is merged.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Check the desired-state file: its syntax, every key and value, and how the sections"
                + " fit together. Reads no secret, no key, no known_hosts and contacts no droplet, so it runs"
                + " anywhere, in CI too; fleet plan and apply check those as well.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The file is valid.",
            "1:It is not (every problem is printed on stderr, as file:line:column), or bad usage.",
        })
public class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateOption stateFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            StateLoader.Checked checked = StateLoader.offline(System.getenv()).check(stateFile.file);
            int count = checked.droplets().size();
            out.println(stateFile.file + ": valid (" + count + (count == 1 ? " droplet" : " droplets") + ", image "
                    + checked.image().reference() + ", balancer " + checked.balancer() + ")");
            // One service is the line above; several each get a line of their own, in roll order.
            if (checked.services().size() > 1) {
                for (StateLoader.Checked.Service service : checked.services()) {
                    out.println("  service " + service.name() + " (" + service.role() + ") on "
                            + String.join(", ", service.droplets()));
                }
            }
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.COULD_NOT_RUN;
        }
    }
}
