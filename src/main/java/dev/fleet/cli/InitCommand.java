package dev.fleet.cli;

import dev.fleet.desired.init.DropletAddress;
import dev.fleet.desired.init.HostKey;
import dev.fleet.desired.init.HostKeyScanner;
import dev.fleet.desired.init.StarterFiles;
import dev.fleet.desired.init.StarterState;
import dev.fleet.desired.init.StarterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleet init}: a first state folder, its host keys trusted only once someone has checked them. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Write a first fleet.yaml and its known_hosts. Connects to each droplet's sshd for its"
                + " host keys (never logging in) and prints their SHA-256 fingerprints; they are written only"
                + " once you answer yes on a terminal, or with --accept-host-keys. Asks on a terminal for what"
                + " the flags leave out. Never replaces a file without --force.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:The files were written.", "1:Nothing was written: bad usage, a droplet unreachable, the host"
                + " keys not accepted, or the files exist."})
public class InitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;
    @Option(names = "--droplet", paramLabel = "NAME=HOST[:PORT]", description = "A droplet, in rollout order;"
            + " repeat for each (at least one). IPv6: NAME=[ADDRESS]:PORT.")
    List<String> droplets = new ArrayList<>();
    @Option(names = "--image", paramLabel = "IMAGE", description = "The image by digest: REPOSITORY@sha256:<64 hex>.")
    String image;
    @Option(names = "--balancer", paramLabel = "KIND", description = "haproxy, health-check or none (blue-green"
            + " behind nginx on each droplet).")
    String balancer;
    @Option(names = "--service", paramLabel = "NAME", description = "The container's name (default: the image's"
            + " repository name).")
    String service;
    @Option(names = "--user", defaultValue = "deploy", description = "The SSH user on the droplets (default: ${DEFAULT-VALUE}).")
    String user;
    @Option(names = "--identity-file", paramLabel = "FILE", description = "The private key fleet logs in with, such"
            + " as ~/.ssh/fleet_ed25519 (default: none, the keys of the ssh-agent at SSH_AUTH_SOCK).")
    String identityFile;
    @Option(names = "--dir", defaultValue = "fleet-state", description = "The folder to write (default: ${DEFAULT-VALUE}).")
    Path dir;
    @Option(names = "--accept-host-keys", description = "Write the host keys the droplets show now, without asking."
            + " This trusts the network at this moment: whoever can intercept it now is trusted from now on."
            + " Check the printed fingerprints out of band (the droplets' consoles).")
    boolean acceptHostKeys;
    @Option(names = "--force", description = "Replace an existing fleet.yaml and known_hosts.")
    boolean force;
    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long each droplet's sshd may take to answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private final HostKeyScanner scanner;

    InitCommand(HostKeyScanner scanner) {
        this.scanner = scanner;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<InitQuestions> questions = InitQuestions.onTerminal();
        List<Path> existing = StarterWriter.existing(dir);
        if (!existing.isEmpty() && !force) {
            return refuse(err, existing.getFirst() + " exists; nothing written (--force replaces it)");
        }
        StarterState state;
        try {
            state = state(questions, out);
        } catch (IllegalArgumentException e) {
            return refuse(err, e.getMessage());
        }
        Map<DropletAddress, List<HostKey>> keys = new LinkedHashMap<>();
        for (DropletAddress droplet : state.droplets()) {
            try {
                keys.put(droplet, scanner.scan(droplet.host(), droplet.port(), timeout));
            } catch (HostKeyScanner.ScanException e) {
                return refuse(err, "droplet " + droplet.describe() + ": " + e.getMessage() + "; nothing written");
            }
            keys.get(droplet).forEach(key -> out.println(droplet.describe() + ": " + key.type() + " " + key.fingerprint()));
        }
        out.flush();
        if (!acceptHostKeys && !questions.map(q -> q.yes("Are these the droplets' host keys, checked out of band?"))
                .orElse(false)) {
            return refuse(err, "host keys not accepted; nothing written. Check the fingerprints above on each droplet"
                    + " (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console), then run again on a terminal"
                    + " and answer yes, or with --accept-host-keys");
        }
        try {
            List<Path> written = StarterWriter.write(dir, StarterFiles.fleetYaml(state), StarterFiles.knownHosts(keys),
                    force);
            written.forEach(file -> out.println("wrote " + file));
            out.println("next: fleet validate --state " + dir.resolve(StarterFiles.STATE) + ", then commit " + dir);
            out.flush();
            return ExitCodes.SUCCESS;
        } catch (StarterWriter.Refused e) {
            return refuse(err, e.getMessage());
        } catch (IOException e) {
            return refuse(err, "cannot write " + dir + ": " + e.getMessage());
        }
    }

    /** The state the flags and answers describe. */
    private StarterState state(Optional<InitQuestions> questions, PrintWriter out) {
        List<String> given = droplets.isEmpty() ? questions.map(q -> q.droplets(out)).orElse(List.of()) : droplets;
        if (given.isEmpty()) {
            throw new IllegalArgumentException("no droplet: give at least one --droplet NAME=HOST[:PORT]");
        }
        List<DropletAddress> addresses = given.stream().map(DropletAddress::parse).toList();
        String chosenImage = Optional.ofNullable(image).or(() -> questions.map(InitQuestions::image))
                .orElseThrow(() -> new IllegalArgumentException("no image: give --image REPOSITORY@sha256:<64 hex>"));
        StarterState.checkImage(chosenImage);
        String kind = Optional.ofNullable(balancer).or(() -> questions.map(InitQuestions::balancer))
                .orElseThrow(() -> new IllegalArgumentException("no balancer: give --balancer haproxy, health-check"
                        + " or none"));
        return new StarterState(service != null ? service : StarterState.serviceNameOf(chosenImage), chosenImage,
                addresses, StarterState.Balancer.of(kind), user, Optional.ofNullable(identityFile));
    }

    private static int refuse(PrintWriter err, String message) {
        err.println("fleet init: " + message);
        err.flush();
        return ExitCodes.COULD_NOT_RUN;
    }
}
