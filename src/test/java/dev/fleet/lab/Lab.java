package dev.fleet.lab;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running lab, as its {@code lab.env} describes it ({@link LabStart} starts it through
 * Testcontainers, from the same images and files as {@code deploy/lab/lab up}), and the few ways
 * tests reach into it: the balancer's runtime API, a droplet's shell, Docker objects left behind.
 *
 * <p>Everything here talks to the real lab. Tests get a {@code Lab} from {@link LabExtension}, which
 * starts and removes it, so that no test shells out on its own.
 */
public final class Lab {

    private static final Path REPO_ROOT = Path.of("").toAbsolutePath();
    /** The lab's folder: its script, the images' folders, the files both labs render. */
    static final Path LAB_HOME = REPO_ROOT.resolve("deploy/lab");
    private static final Path LAB_SCRIPT = LAB_HOME.resolve("lab");
    /** The first build of the images makes the base image with debootstrap. */
    static final Duration IMAGES_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final String name;
    private final Path dir;
    private final Map<String, String> env;
    private final List<LabDroplet> droplets;

    private Lab(String name, Path dir, Map<String, String> env) {
        this.name = name;
        this.dir = dir;
        this.env = Map.copyOf(env);
        List<LabDroplet> list = new ArrayList<>();
        for (int i = 1; env.containsKey("LAB_DROPLET_" + i + "_NAME"); i++) {
            String prefix = "LAB_DROPLET_" + i + "_";
            list.add(new LabDroplet(env.get(prefix + "NAME"), Integer.parseInt(env.get(prefix + "SSH_PORT")),
                    env.get(prefix + "IP"), env.get(prefix + "CONTAINER")));
        }
        this.droplets = List.copyOf(list);
    }

    /**
     * Starts a lab of {@code droplets} droplets named {@code name} in {@code dir}, replacing any lab of
     * that name, and returns it once every droplet serves through the balancer.
     */
    public static Lab up(String name, Path dir, int droplets) {
        return new Lab(name, dir, LabStart.up(name, dir, droplets, LabStart.Kind.READY));
    }

    /**
     * Starts a lab as {@link #up} does, its state a fleet of services: the web app on every droplet
     * (running), a worker on all but the last and an accessory on the last (the first apply starts them).
     */
    public static Lab upServices(String name, Path dir, int droplets) {
        return new Lab(name, dir, LabStart.up(name, dir, droplets, LabStart.Kind.SERVICES));
    }

    /**
     * Starts a blue-green lab: droplets with nginx in front of the app, no balancer, no app until
     * fleet's first apply; each droplet's nginx is published on loopback.
     */
    public static Lab upBlueGreen(String name, Path dir, int droplets) {
        return new Lab(name, dir, LabStart.up(name, dir, droplets, LabStart.Kind.BLUE_GREEN));
    }

    /**
     * Starts a bare lab: droplets as a cloud hands them out (sshd, root's key only; {@code
     * deploy/droplet/bootstrap.sh} does the rest), HAProxy with no app behind it yet, a registry with
     * basic authentication that fleet and the droplets reach at the same address.
     */
    public static Lab upBare(String name, Path dir, int droplets) {
        return new Lab(name, dir, LabStart.up(name, dir, droplets, LabStart.Kind.BARE));
    }

    /** Removes every container, volume and network of the lab named {@code name}. */
    public static void down(String name, Path dir) {
        LabStart.remove(name, dir);
    }

    public void down() {
        down(name, dir);
    }

    public String name() {
        return name;
    }

    public Path dir() {
        return dir;
    }

    /** A variable of {@code lab.env}, such as {@code LAB_LB_URL}; fails when it is absent. */
    public String env(String variable) {
        String value = env.get(variable);
        if (value == null) {
            throw new IllegalArgumentException("lab.env has no " + variable);
        }
        return value;
    }

    public List<LabDroplet> droplets() {
        return droplets;
    }

    public LabDroplet droplet(String dropletName) {
        return droplets.stream().filter(d -> d.name().equals(dropletName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no droplet " + dropletName + " in " + droplets));
    }

    public URI balancerUri(String path) {
        return URI.create(env("LAB_LB_URL") + path);
    }

    /** A blue-green droplet's nginx, as published on this machine's loopback. */
    public URI nginxUri(LabDroplet droplet, String path) {
        int index = droplets.indexOf(droplet) + 1;
        return URI.create(env("LAB_DROPLET_" + index + "_HTTP_URL") + path);
    }

    public URI appUri(LabDroplet droplet, String path) {
        return droplet.appUri(path, Integer.parseInt(env("LAB_APP_PORT")));
    }

    public Path sshKey() {
        return Path.of(env("LAB_SSH_KEY"));
    }

    public Path knownHosts() {
        return Path.of(env("LAB_KNOWN_HOSTS"));
    }

    public String sshUser() {
        return env("LAB_SSH_USER");
    }

    /** Sends one command to HAProxy's runtime API and returns its whole answer. */
    public String haproxy(String command) {
        return haproxy(Path.of(env("LAB_HAPROXY_SOCKET")), command);
    }

    static String haproxy(Path socket, String command) {
        var address = UnixDomainSocketAddress.of(socket);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(address);
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            // Without "prompt" mode HAProxy answers one command and closes the connection.
            var answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("HAProxy runtime API at " + address, e);
        }
    }

    /** Each droplet's status in the balancer (UP, DOWN, MAINT, "UP 1/3", ...), by droplet name. */
    public Map<String, String> balancerStates() {
        return balancerStates(Path.of(env("LAB_HAPROXY_SOCKET")), env("LAB_HAPROXY_BACKEND"));
    }

    static Map<String, String> balancerStates(Path socket, String backend) {
        Map<String, String> states = new LinkedHashMap<>();
        String[] lines = haproxy(socket, "show stat").split("\n");
        List<String> header = Arrays.asList(lines[0].replaceFirst("^# ", "").split(",", -1));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        for (String line : lines) {
            String[] fields = line.split(",", -1);
            if (fields.length > status && fields[proxy].equals(backend) && !fields[server].equals("BACKEND")) {
                states.put(fields[server], fields[status]);
            }
        }
        return states;
    }

    /** Runs a command on a droplet over SSH as its deploy user; returns its exit code and output. */
    public CommandResult ssh(String dropletName, String... command) {
        List<String> args = new ArrayList<>(List.of("ssh", dropletName));
        args.addAll(List.of(command));
        return runLab(name, dir, COMMAND_TIMEOUT, args);
    }

    /** The lab fleet's desired state, in its git repository. */
    public Path stateFile() {
        return Path.of(env("LAB_STATE_FILE"));
    }

    /** Edits the lab fleet's desired state and commits it: how a user deploys. */
    public void commitState(java.util.function.UnaryOperator<String> edit, String message) {
        Path file = stateFile();
        try {
            Files.writeString(file, edit.apply(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String repo = file.getParent().toString();
        check(exec(List.of("git", "-C", repo, "-c", "user.name=fleet test", "-c", "user.email=test@fleet.invalid",
                "commit", "-q", "--allow-empty", "-am", message), COMMAND_TIMEOUT), "committing the lab's state");
    }

    /** Runs {@code docker ARGS} against a droplet's own Docker engine, as root on the droplet. */
    public CommandResult dockerOn(LabDroplet droplet, String... args) {
        List<String> command = new ArrayList<>(List.of(docker(), "exec", droplet.container(), "docker"));
        command.addAll(List.of(args));
        return exec(command, COMMAND_TIMEOUT);
    }

    /**
     * Replaces the app on a droplet with a container of {@code image}, named and labelled the way
     * the lab first started it ({@code --restart always}, port published, log rotated as fleet's
     * default has it): what a deploy by hand does.
     */
    public void runApp(LabDroplet droplet, String image) {
        runApp(droplet, image, Map.of());
    }

    /** {@link #runApp(LabDroplet, String)} with these environment variables in the container. */
    public void runApp(LabDroplet droplet, String image, Map<String, String> environment) {
        String app = env("LAB_APP_CONTAINER");
        String port = env("LAB_APP_PORT");
        check(dockerOn(droplet, "pull", "-q", image), "pulling " + image);
        dockerOn(droplet, "rm", "-f", app);
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", app, "--restart", "always",
                "-p", port + ":" + port, "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
                "--label", "fleet.service=" + app));
        environment.forEach((name, value) -> run.addAll(List.of("-e", name + "=" + value)));
        run.add(image);
        check(dockerOn(droplet, run.toArray(String[]::new)), "starting " + image + " on " + droplet.name());
    }

    /**
     * Pushes a new image of the demo app's {@code version} to the lab's registry, differing from it
     * only by a label (so by its digest), and returns its reference by digest as the droplets pull it.
     */
    public String pushVariant(String version, String variant) {
        String v1 = env("LAB_IMAGE_V1");
        String repository = v1.substring(0, v1.indexOf('@'));
        String local = env("LAB_REGISTRY") + "/" + repository.substring(repository.indexOf('/') + 1) + ":" + variant;
        Path context = dir.resolve("variants").resolve(variant);
        try {
            Files.createDirectories(context);
            Files.writeString(context.resolve("Dockerfile"),
                    "FROM fleet-lab/demo:" + version + "\nLABEL fleet-lab.variant=" + variant + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        check(exec(List.of(docker(), "build", "-q", "-t", local, context.toString()), COMMAND_TIMEOUT), "building " + local);
        check(exec(List.of(docker(), "push", "-q", local), COMMAND_TIMEOUT), "pushing " + local);
        String digests = exec(List.of(docker(), "image", "inspect", "--format",
                "{{range .RepoDigests}}{{println .}}{{end}}", local), COMMAND_TIMEOUT).output();
        String digest = digests.lines().filter(line -> line.startsWith(local.substring(0, local.lastIndexOf(':')) + "@"))
                .map(line -> line.substring(line.indexOf('@') + 1)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no registry digest for " + local + ": " + digests));
        exec(List.of(docker(), "rmi", local), COMMAND_TIMEOUT);
        return repository + "@" + digest;
    }

    /** Runs {@code command} as root on the droplet itself (not over SSH): how faults are injected. */
    public CommandResult onDroplet(LabDroplet droplet, String... command) {
        List<String> args = new ArrayList<>(List.of(docker(), "exec", droplet.container()));
        args.addAll(List.of(command));
        return exec(args, COMMAND_TIMEOUT);
    }

    /**
     * Makes the droplet's SSH link slow and lossy: {@code lossPercent} of the packets to and from its
     * port 22 dropped (iptables' statistic match), and what it sends from port 22 shaped to {@code
     * kbit} kbit/s (HTB). This kernel has no netem, so delay comes from loss (TCP's retransmission
     * timeouts) and the narrow rate rather than from a fixed latency.
     */
    public void degradeSshLink(LabDroplet droplet, int lossPercent, int kbit) {
        String probability = String.valueOf(lossPercent / 100.0);
        check(onDroplet(droplet, "sh", "-c", String.join(" && ",
                "iptables -I INPUT -p tcp --dport 22 -m statistic --mode random --probability " + probability
                        + " -j DROP",
                "iptables -I OUTPUT -p tcp --sport 22 -m statistic --mode random --probability " + probability
                        + " -j DROP",
                "tc qdisc add dev eth0 root handle 1: htb default 10",
                "tc class add dev eth0 parent 1: classid 1:10 htb rate 1000mbit",
                "tc class add dev eth0 parent 1: classid 1:22 htb rate " + kbit + "kbit ceil " + kbit + "kbit",
                "tc filter add dev eth0 parent 1: protocol ip u32 match ip sport 22 0xffff flowid 1:22")),
                "degrading the SSH link of " + droplet.name());
    }

    /** Makes the droplet's SSH port swallow every packet, as a droplet that stopped answering does. */
    public void silenceSsh(LabDroplet droplet) {
        check(onDroplet(droplet, "iptables", "-I", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP"),
                "silencing " + droplet.name());
    }

    /** Undoes {@link #degradeSshLink} and {@link #silenceSsh}. */
    public void restoreSshLink(LabDroplet droplet) {
        onDroplet(droplet, "sh", "-c", "while iptables -D INPUT -p tcp --dport 22 -j DROP 2>/dev/null; do :; done;"
                + " for p in 0.01 0.02 0.03 0.05 0.1 0.2; do"
                + " iptables -D INPUT -p tcp --dport 22 -m statistic --mode random --probability $p -j DROP 2>/dev/null;"
                + " iptables -D OUTPUT -p tcp --sport 22 -m statistic --mode random --probability $p -j DROP 2>/dev/null;"
                + " done; tc qdisc del dev eth0 root 2>/dev/null; true");
    }

    /** Ends every SSH connection to the droplet at once, mid-whatever, as a reset link does. */
    public void resetSshConnections(LabDroplet droplet) {
        onDroplet(droplet, "pkill", "-KILL", "-f", "sshd: " + sshUser());
    }

    /** Restarts the droplet's Docker engine (its containers stop, and those with a restart policy come back). */
    public void restartEngine(LabDroplet droplet) {
        check(onDroplet(droplet, "sh", "-c", "touch /run/restart-dockerd && kill $(cat /var/run/docker.pid)"),
                "restarting the Docker engine of " + droplet.name());
    }

    /** Makes the registry refuse the droplet (its connections to port 5000 rejected), as a registry that is down. */
    public void cutRegistry(LabDroplet droplet) {
        check(onDroplet(droplet, "iptables", "-I", "OUTPUT", "-p", "tcp", "--dport", "5000", "-j", "REJECT",
                "--reject-with", "tcp-reset"), "cutting " + droplet.name() + " off the registry");
    }

    /** Undoes {@link #cutRegistry}. */
    public void restoreRegistry(LabDroplet droplet) {
        onDroplet(droplet, "iptables", "-D", "OUTPUT", "-p", "tcp", "--dport", "5000", "-j", "REJECT", "--reject-with",
                "tcp-reset");
    }

    /**
     * Leaves the droplet's Docker engine no room to download into: its temporary directory (where a
     * pull writes each layer before unpacking it) becomes a full 4 KiB tmpfs, as on a full disk.
     */
    public void fillDownloadDisk(LabDroplet droplet) {
        check(onDroplet(droplet, "sh", "-c", "mount -t tmpfs -o size=4k tmpfs /var/lib/docker/tmp"
                + " && (dd if=/dev/zero of=/var/lib/docker/tmp/full bs=1k count=64 2>/dev/null; true)"),
                "filling the download disk of " + droplet.name());
    }

    /** Undoes {@link #fillDownloadDisk}. */
    public void freeDownloadDisk(LabDroplet droplet) {
        onDroplet(droplet, "sh", "-c", "umount /var/lib/docker/tmp 2>/dev/null; true");
    }

    /** Kills the droplet outright, as a provider that loses the machine does: no clean shutdown. */
    public void killDroplet(LabDroplet droplet) {
        check(exec(List.of(docker(), "kill", droplet.container()), COMMAND_TIMEOUT), "killing " + droplet);
    }

    /** Powers a droplet off: its container stops, so its sshd and its apps are gone. */
    public void stopDroplet(LabDroplet droplet) {
        check(exec(List.of(docker(), "stop", "-t", "5", droplet.container()), COMMAND_TIMEOUT), "stopping " + droplet);
    }

    /** Powers a droplet on again and waits until its sshd and Docker engine are ready. */
    public void startDroplet(LabDroplet droplet) {
        check(exec(List.of(docker(), "start", droplet.container()), COMMAND_TIMEOUT), "starting " + droplet);
        LabStart.awaitReady(droplet.name(), droplet.container());
    }

    private static void check(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed (exit " + result.exitCode() + "): " + result.output());
        }
    }

    /**
     * Docker objects (containers, volumes, networks) labelled with this lab's name and processes
     * whose command line names its directory: what {@link #down} must leave behind, namely nothing.
     */
    public List<String> leftovers() {
        return leftovers(name, dir);
    }

    /** {@link #leftovers()} of the lab named {@code name} in {@code dir}, up or not. */
    static List<String> leftovers(String name, Path dir) {
        List<String> found = new ArrayList<>();
        String filter = "label=fleet.lab=" + name;
        for (var kind : List.of(List.of("ps", "-aq"), List.of("volume", "ls", "-q"), List.of("network", "ls", "-q"))) {
            List<String> args = new ArrayList<>(List.of(docker()));
            args.addAll(kind);
            args.addAll(List.of("--filter", filter));
            CommandResult result = exec(args, COMMAND_TIMEOUT);
            result.output().lines().filter(l -> !l.isBlank())
                    .forEach(id -> found.add(String.join(" ", kind.subList(0, kind.size() - 1)) + " " + id));
        }
        ProcessHandle.allProcesses().forEach(process -> process.info().commandLine()
                .filter(commandLine -> commandLine.contains(dir.toString() + "/"))
                .ifPresent(commandLine -> found.add("process " + process.pid() + ": " + commandLine)));
        return found;
    }

    /** The exit code and the combined output of a command. */
    public record CommandResult(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs {@code deploy/lab/lab ARGS} with this JVM's environment (no LAB_NAME: for commands of no lab, such as images). */
    static CommandResult runScript(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(LAB_SCRIPT.toString()));
        command.addAll(List.of(args));
        return exec(command, timeout, Map.of());
    }

    private static CommandResult runLab(String name, Path dir, Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>(List.of(LAB_SCRIPT.toString()));
        command.addAll(args);
        return exec(command, timeout, Map.of("LAB_NAME", name, "LAB_DIR", dir.toString()));
    }

    /** Runs a command of the lab's start with {@code environment} added, within the commands' time limit. */
    static CommandResult run(List<String> command, Map<String, String> environment) {
        return exec(command, COMMAND_TIMEOUT, environment);
    }

    private static CommandResult exec(List<String> command, Duration timeout) {
        return exec(command, timeout, Map.of());
    }

    private static CommandResult exec(List<String> command, Duration timeout, Map<String, String> environment) {
        try {
            Path output = Files.createTempFile("lab-command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                            + ":\n" + Files.readString(output));
                }
                return new CommandResult(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    static String docker() {
        return Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
    }

}
