package dev.fleet.cli;

import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.Secret;
import dev.fleet.desired.init.DropletAddress;
import dev.fleet.desired.init.HostKey;
import dev.fleet.desired.init.HostKeyScanner;
import dev.fleet.desired.init.StarterFiles;
import dev.fleet.desired.init.StarterState;
import dev.fleet.desired.init.StarterWriter;
import dev.fleet.desired.pin.ImageName;
import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.desired.pin.SetImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleet init}: a first state folder, its host keys trusted only once someone has checked them. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Write a first fleet.yaml and its known_hosts. Connects to each droplet's sshd for its"
                + " host keys (never logging in) and prints their SHA-256 fingerprints; they are written only"
                + " once you answer yes on a terminal, or with --accept-host-keys. Asks on a terminal for what"
                + " the flags leave out. Never replaces a file without --force.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:The files were written.", "1:Nothing was written: bad usage, a droplet unreachable, the host"
                + " keys not accepted, an image tag that cannot be resolved, or the files exist."})
public class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    InitOptions options;

    private final HostKeyScanner scanner;
    private final SetImage images;

    InitCommand(HostKeyScanner scanner, SetImage images) {
        this.scanner = scanner;
        this.images = images;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<InitQuestions> questions = InitQuestions.onTerminal();
        List<Path> existing = StarterWriter.existing(options.dir);
        if (!existing.isEmpty() && !options.force) {
            return refuse(err, existing.getFirst() + " exists; nothing written (--force replaces it)");
        }
        StarterState state;
        try {
            state = state(questions, out);
        } catch (IllegalArgumentException e) {
            return refuse(err, e.getMessage());
        } catch (ImagePinException e) {
            return refuse(err, e.getMessage() + (e.hint() == null ? "" : "\n  hint: " + e.hint()) + "\nnothing written");
        }
        Map<DropletAddress, List<HostKey>> keys = new LinkedHashMap<>();
        for (DropletAddress droplet : state.droplets()) {
            try {
                keys.put(droplet, scanner.scan(droplet.host(), droplet.port(), options.timeout));
            } catch (HostKeyScanner.ScanException e) {
                return refuse(err, "droplet " + droplet.describe() + ": " + e.getMessage() + "; nothing written");
            }
            keys.get(droplet).forEach(key -> out.println(droplet.describe() + ": " + key.type() + " " + key.fingerprint()));
        }
        out.flush();
        if (!options.acceptHostKeys && !questions.map(q -> q.yes("Are these the droplets' host keys, checked out of"
                + " band?")).orElse(false)) {
            return refuse(err, "host keys not accepted; nothing written. Check the fingerprints above on each droplet"
                    + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console), then run again on a terminal"
                    + " and answer yes, or with --accept-host-keys");
        }
        return write(state, keys, out, err);
    }

    private int write(StarterState state, Map<DropletAddress, List<HostKey>> keys, PrintWriter out, PrintWriter err) {
        try {
            List<Path> written = StarterWriter.write(options.dir, StarterFiles.fleetYaml(state),
                    StarterFiles.knownHosts(keys), options.force);
            written.forEach(file -> out.println("wrote " + file));
            out.println("next: fleet validate --state " + options.dir.resolve(StarterFiles.STATE) + ", then commit "
                    + options.dir);
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (StarterWriter.Refused e) {
            return refuse(err, e.getMessage());
        } catch (IOException e) {
            return refuse(err, "cannot write " + options.dir + ": " + e.getMessage());
        }
    }

    /** The state the flags and answers describe, its image pinned to a digest. */
    private StarterState state(Optional<InitQuestions> questions, PrintWriter out)
            throws ImagePinException, InterruptedException {
        List<String> given = options.droplets.isEmpty() ? questions.map(q -> q.droplets(out)).orElse(List.of())
                : options.droplets;
        if (given.isEmpty()) {
            throw new IllegalArgumentException("no droplet: give at least one --droplet NAME=HOST[:PORT]");
        }
        List<DropletAddress> addresses = given.stream().map(DropletAddress::parse).toList();
        String asGiven = Optional.ofNullable(options.image).or(() -> questions.map(InitQuestions::image))
                .orElseThrow(() -> new IllegalArgumentException("no image: give --image REPOSITORY:TAG or"
                        + " REPOSITORY@sha256:<64 hex>"));
        String server = ImageName.parse(asGiven).registry();
        Optional<StarterState.RegistryUser> registry = Optional.ofNullable(options.registryUsername)
                .map(user -> new StarterState.RegistryUser(server, user));
        String image = images.pin(asGiven, registry.map(InitCommand::login), false).reference();
        StarterState.checkImage(image);
        String kind = Optional.ofNullable(options.balancer).or(() -> questions.map(InitQuestions::balancer))
                .orElseThrow(() -> new IllegalArgumentException("no balancer: give --balancer haproxy, health-check"
                        + " or none"));
        return new StarterState(options.service != null ? options.service : StarterState.serviceNameOf(image), image,
                addresses, StarterState.Balancer.of(kind), options.user, Optional.ofNullable(options.identityFile),
                new StarterState.HaproxyApi(options.haproxySocket, options.haproxyBackend), registry);
    }

    /** The registry login, its password from fleet's environment as the state will say. */
    private static RegistryCredentials login(StarterState.RegistryUser user) {
        String password = System.getenv(StarterState.RegistryUser.PASSWORD_VARIABLE);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("--registry-username needs the registry's password in $"
                    + StarterState.RegistryUser.PASSWORD_VARIABLE + " (export it first; it is never written)");
        }
        return new RegistryCredentials(user.server(), user.username(), new Secret(password));
    }

    private static int refuse(PrintWriter err, String message) {
        err.println("fleet init: " + message);
        err.flush();
        return ExitCodes.COULD_NOT_RUN;
    }
}
