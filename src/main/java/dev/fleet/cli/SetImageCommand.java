package dev.fleet.cli;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.desired.pin.SetImage;
import dev.fleet.desired.pin.SetImage.Outcome;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleet set-image}: pins the state file's image to a digest, by tag or by digest, and commits it if asked. */
@Command(
        name = "set-image",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Set the image of the desired state: service.image, or with --droplet that droplet's own image.",
            "Only that value changes in the file; its comments, layout and quotes stay.",
            "%nBy tag (registry.example.com/team/app:v2): the tag is resolved to the digest it names now, through"
                    + " the registry's HTTP API, with the state's registry credentials when they are for that"
                    + " registry. A multi-platform tag resolves to the digest of its index (manifest list): each"
                    + " droplet's Docker pulls its own platform from it. By digest (app@sha256:...): no registry"
                    + " is asked. The file gets the repository as written, @digest; the tag is not kept, since"
                    + " fleet runs images by digest only.",
            "%nNeeds neither the SSH key nor any secret but the registry's password; contacts no droplet.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The image is set (or already was: nothing written, nothing committed).",
            "1:Nothing was changed: bad IMAGE, unknown tag, registry unreachable or refusing the credentials,"
                    + " broken state file, or --commit with uncommitted changes in it. (Only a commit that fails"
                    + " after the write leaves the file changed, and says so.)",
        })
public class SetImageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StateOption stateFile;

    @Parameters(index = "0", paramLabel = "IMAGE",
            description = "registry/repository:tag, or registry/repository@sha256:<64 hex digits>.")
    String image;

    @Option(names = "--droplet", paramLabel = "NAME",
            description = "Set this droplet's own image: (a canary) instead of service.image.")
    String droplet;

    @Option(names = "--commit",
            description = "Commit the state file (that file only) with git; refused if it has uncommitted changes.")
    boolean commit;

    @Option(names = "--allow-insecure-http",
            description = "Allow plain http to a registry on another machine, when https fails (only on a network"
                    + " that is yours: the password would cross it unencrypted). A registry on this machine's"
                    + " loopback may use plain http without it.")
    boolean allowInsecureHttp;

    private final SetImage setImage;

    SetImageCommand(SetImage setImage) {
        this.setImage = setImage;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Outcome outcome = setImage.run(new SetImage.Request(stateFile.file, image, Optional.ofNullable(droplet),
                    commit, allowInsecureHttp));
            out.println(describe(outcome));
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (InvalidStateException e) {
            err.println(e.getMessage());
        } catch (ImagePinException e) {
            err.println("fleet set-image: " + e.getMessage() + (e.hint() == null ? "" : "\n  hint: " + e.hint()));
        }
        err.flush();
        return ExitCodes.COULD_NOT_RUN;
    }

    private static String describe(Outcome outcome) {
        String where = outcome.line().file() + " " + outcome.line().where();
        String resolved = outcome.image().tag().isPresent() ? outcome.image() + " is " + outcome.pinned().digest()
                + (" (for a multi-platform image, the digest of its index)") + "; " : "";
        return switch (outcome) {
            case Outcome.Already already -> "fleet set-image: " + resolved + where + " already is "
                    + already.pinned() + "; nothing changed";
            case Outcome.Changed changed -> "fleet set-image: " + resolved + where + " set to " + changed.pinned()
                    + " (was " + changed.line().current() + ")"
                    + changed.commit().map(c -> "\ncommitted " + c).orElse("; not committed (--commit does it)");
        };
    }
}
