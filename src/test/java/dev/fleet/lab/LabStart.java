package dev.fleet.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts a lab through Testcontainers: the same images ({@link LabImages}, from {@code deploy/lab/lab
 * images}) and the same files ({@code deploy/lab/haproxy/haproxy.cfg}, {@code deploy/lab/state/}) as
 * {@code deploy/lab/lab up}, and the same {@code lab.env}, so that {@code deploy/lab/lab status} and
 * {@code lab ssh} work on a test's lab too.
 *
 * <p>Every container, volume and network carries {@code fleet.lab=NAME} and {@link LabOwner}'s label,
 * and the owner's reaper removes them once this JVM is gone, however it ended.
 */
final class LabStart {

    /** What the lab's droplets run. */
    enum Kind {
        /** The demo app on every droplet, behind HAProxy, and its state repository. */
        READY,
        /**
         * {@link #READY}, its state a fleet of services ({@code deploy/lab/state/services.yaml}): the
         * web app everywhere, a worker on all droplets but the last, an accessory on the last.
         */
        SERVICES,
        /** nginx in front of each droplet, no app and no balancer. */
        BLUE_GREEN,
        /** Droplets as a cloud hands them out, HAProxy with no app behind it, a registry with a password. */
        BARE
    }

    static final String APP_REPOSITORY = "fleet-demo";
    static final String APP_CONTAINER = "demo";
    static final int APP_PORT = 80;
    static final String SSH_USER = "deploy";
    private static final String REGISTRY_ALIAS = "registry.lab";
    private static final String REGISTRY_USER = "fleet";
    private static final int REGISTRY_HOST = 2;
    private static final int HAPROXY_HOST = 3;
    private static final int HAPROXY_PORT = 8080;
    private static final String HAPROXY_CONFIG = "/usr/local/etc/haproxy/haproxy.cfg";
    private static final String HAPROXY_SOCKET_DIR = "/run/haproxy";
    /** The backend of deploy/lab/haproxy/haproxy.cfg whose servers are the droplets. */
    private static final String HAPROXY_BACKEND = "droplets";
    private static final List<String> VERSIONS = List.of("v1", "v2", "bad", "flaky");

    private final String name;
    private final Path dir;
    private final int count;
    private final Kind kind;
    private final LabImages images;
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> droplets = new ArrayList<>();
    private String network;
    private String prefix;
    private int registryPort;
    private String registryName;

    private LabStart(String name, Path dir, int count, Kind kind) {
        this.name = name;
        this.dir = dir;
        this.count = count;
        this.kind = kind;
        this.images = LabImages.build();
    }

    /**
     * Starts the lab named {@code name} in {@code dir}, after removing any lab of that name; on a
     * failure, removes what it started.
     *
     * @return the lab's variables, as {@code lab.env} holds them
     */
    static Map<String, String> up(String name, Path dir, int count, Kind kind) {
        if (count < 1 || count > 30) {
            throw new IllegalArgumentException("a lab has 1 to 30 droplets, not " + count);
        }
        LabOwner.reaper();
        LabStart start = new LabStart(name, dir, count, kind);
        remove(name, dir);
        try {
            return start.run();
        } catch (RuntimeException | Error e) {
            remove(name, dir);
            throw e;
        }
    }

    /** Removes every container, volume and network labelled with the lab's name, and its lab.env. */
    static void remove(String name, Path dir) {
        LabOwner.removeLabelled("fleet.lab=" + name);
        try {
            Files.deleteIfExists(dir.resolve("lab.env"));
            Files.deleteIfExists(dir.resolve("haproxy.sock"));
            Files.deleteIfExists(dir.resolve("haproxy").resolve("admin.sock"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> run() {
        try {
            Files.createDirectories(dir);
            if (!Files.exists(dir.resolve("id_ed25519"))) {
                check(Lab.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fleet-lab", "-f",
                        dir.resolve("id_ed25519").toString()), Map.of()), "making the lab's SSH key");
            }
            createNetwork();
            startRegistry();
            pushImages();
            startDroplets();
            writeKnownHosts();
            switch (kind) {
                case BLUE_GREEN -> waitForNginx();
                case BARE -> startHaproxy(false);
                case READY, SERVICES -> {
                    startApps();
                    startHaproxy(true);
                }
            }
            if (kind != Kind.BARE) {
                writeStateRepository();
            }
            writeEnv();
            return Map.copyOf(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A network on a fixed subnet, so that each container keeps its address across restarts. */
    private void createNetwork() {
        network = name + "-net";
        for (int third = 40; third <= 250; third++) {
            try {
                docker.createNetworkCmd().withName(network).withLabels(labels(Map.of()))
                        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                                .withSubnet("172.28." + third + ".0/24").withGateway("172.28." + third + ".1")))
                        .exec();
                prefix = "172.28." + third;
                return;
            } catch (RuntimeException e) {
                // taken by another lab or network: the next one
            }
        }
        throw new IllegalStateException("no free 172.28.x.0/24 subnet for the lab network");
    }

    private void startRegistry() throws IOException {
        String ip = prefix + "." + REGISTRY_HOST;
        List<String> environment = new ArrayList<>();
        Path htpasswd = dir.resolve("registry").resolve("htpasswd");
        if (kind == Kind.BARE) {
            registryPassword();
            environment.addAll(List.of("REGISTRY_AUTH=htpasswd", "REGISTRY_AUTH_HTPASSWD_REALM=fleet-lab",
                    "REGISTRY_AUTH_HTPASSWD_PATH=/etc/docker/registry/htpasswd"));
        }
        String volume = volume(name + "-registry");
        registryPort = start(images.registry(), name + "-registry", "registry", ip, 5000, cmd -> {
            cmd.withEnv(environment);
            List<Mount> mounts = new ArrayList<>(List.of(volumeMount(volume, "/var/lib/registry")));
            if (kind == Kind.BARE) {
                mounts.add(new Mount().withType(MountType.BIND).withSource(htpasswd.toString())
                        .withTarget("/etc/docker/registry/htpasswd").withReadOnly(true));
            }
            cmd.getHostConfig().withMounts(mounts);
        });
        registryName = kind == Kind.BARE ? ip + ":5000" : REGISTRY_ALIAS + ":5000";
        String auth = kind == Kind.BARE ? REGISTRY_USER + ":" + Files.readString(dir.resolve("registry/password")).strip()
                : null;
        waitUntil(Duration.ofSeconds(20), "the registry", () -> registryAnswers(auth));
    }

    /** A bare lab's registry asks for a password, as a private registry does; the registry takes its bcrypt hash. */
    private void registryPassword() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("registry"));
        check(Lab.run(List.of("sh", "-c", "umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' > "
                + folder.resolve("password")), Map.of()), "making the registry's password");
        check(Lab.run(List.of("sh", "-c", "python3 -W ignore -c 'import crypt, sys; print(sys.argv[1] + \":\" +"
                + " crypt.crypt(open(sys.argv[2]).read().strip(), crypt.mksalt(crypt.METHOD_BLOWFISH)))' "
                + REGISTRY_USER + " " + folder.resolve("password") + " > " + folder.resolve("htpasswd")), Map.of()),
                "hashing the registry's password (python3 with crypt's bcrypt is needed)");
    }

    private boolean registryAnswers(String credentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort + "/v2/"))
                .timeout(Duration.ofSeconds(2));
        if (credentials != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Pushes the demo images; LAB_IMAGE_VERSION names each by digest, as the droplets pull it. */
    private void pushImages() throws IOException {
        Map<String, String> cli = new LinkedHashMap<>();
        if (kind == Kind.BARE) {
            cli.put("DOCKER_CONFIG", Files.createDirectories(dir.resolve("docker-config")).toString());
            check(Lab.run(List.of("sh", "-c", Lab.docker() + " login -u " + REGISTRY_USER + " --password-stdin 127.0.0.1:"
                    + registryPort + " < " + dir.resolve("registry/password")), cli), "docker login to the lab's registry");
        }
        for (String version : VERSIONS) {
            String local = "127.0.0.1:" + registryPort + "/" + APP_REPOSITORY + ":" + version;
            check(Lab.run(List.of(Lab.docker(), "tag", images.demo().get(version), local), cli), "tagging " + local);
            check(Lab.run(List.of(Lab.docker(), "push", "-q", local), cli), "pushing " + local);
            String digests = Lab.run(List.of(Lab.docker(), "image", "inspect", "--format",
                    "{{range .RepoDigests}}{{println .}}{{end}}", local), cli).output();
            String digest = digests.lines().filter(l -> l.startsWith("127.0.0.1:" + registryPort + "/" + APP_REPOSITORY + "@"))
                    .map(l -> l.substring(l.indexOf('@') + 1)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no registry digest for " + local + ": " + digests));
            Lab.run(List.of(Lab.docker(), "rmi", local), cli);
            env.put("LAB_IMAGE_" + version.toUpperCase(Locale.ROOT), registryName + "/" + APP_REPOSITORY + "@"
                    + digest);
        }
        if (kind == Kind.BARE) {
            Lab.run(List.of(Lab.docker(), "logout", "127.0.0.1:" + registryPort), cli);
        }
    }

    /** The droplets, started side by side; each is ready once its sshd and dockerd are. */
    private void startDroplets() throws IOException {
        String publicKey = Files.readString(dir.resolve("id_ed25519.pub")).strip();
        List<Runnable> starts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String droplet = "droplet-" + i;
            String container = name + "-" + droplet;
            String ip = prefix + "." + (10 + i);
            droplets.add(droplet);
            int index = i;
            starts.add(() -> startDroplet(index, droplet, container, ip, publicKey));
        }
        sideBySide(starts, 8);
    }

    /**
     * Runs {@code tasks} at most {@code width} at once and waits for all of them; when some fail, the
     * first failure is thrown with the others suppressed in it.
     */
    private static void sideBySide(List<Runnable> tasks, int width) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(tasks.size(), width));
        try {
            List<Future<?>> running = tasks.stream().<Future<?>>map(pool::submit).toList();
            RuntimeException failed = null;
            for (Future<?> task : running) {
                try {
                    task.get();
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                    if (failed == null) {
                        failed = cause;
                    } else {
                        failed.addSuppressed(cause);
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void startDroplet(int index, String droplet, String container, String ip, String publicKey) {
        String volume = volume(container + "-docker");
        String prefixVar = "LAB_DROPLET_" + index + "_";
        int[] http = new int[1];
        int ssh = start(images.droplet(), container, "droplet", ip, 22, cmd -> {
            cmd.withHostName(droplet);
            cmd.withLabels(labels(Map.of("fleet.lab.droplet", droplet)));
            cmd.withEnv(new ArrayList<>(List.of("AUTHORIZED_KEY=" + publicKey,
                    "LAB_BARE=" + (kind == Kind.BARE ? 1 : 0))));
            HostConfig host = cmd.getHostConfig();
            host.withExtraHosts(REGISTRY_ALIAS + ":" + prefix + "." + REGISTRY_HOST);
            host.withMounts(List.of(volumeMount(volume, "/var/lib/docker")));
            // The capability set that runs docker-in-docker where --privileged is refused (see the
            // machine notes); on other hosts it works as well.
            host.withCapAdd(Capability.ALL).withCapDrop(Capability.SYS_RESOURCE)
                    .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                    .withDeviceCgroupRules(List.of("a *:* rwm"));
            if (kind == Kind.BLUE_GREEN) {
                http[0] = freePort();
                List<String> withNginx = new ArrayList<>(List.of(cmd.getEnv()));
                withNginx.add("LAB_NGINX=1");
                cmd.withEnv(withNginx);
                cmd.withExposedPorts(ExposedPort.tcp(22), ExposedPort.tcp(80));
                host.getPortBindings().bind(ExposedPort.tcp(80), Ports.Binding.bindIpAndPort("127.0.0.1", http[0]));
            }
            cmd.withHostConfig(Unmasked.of(host));
        });
        synchronized (env) {
            env.put(prefixVar + "NAME", droplet);
            env.put(prefixVar + "SSH_PORT", Integer.toString(ssh));
            env.put(prefixVar + "IP", ip);
            env.put(prefixVar + "CONTAINER", container);
            env.put(prefixVar + "HTTP_URL", kind == Kind.BLUE_GREEN ? "http://127.0.0.1:" + http[0] : "");
        }
        awaitReady(droplet, container);
    }

    /** Waits until a droplet's entrypoint says its sshd and dockerd are up, as after a first start or a restart. */
    static void awaitReady(String droplet, String container) {
        waitUntil(Duration.ofSeconds(60), droplet + " ready",
                () -> Lab.run(List.of(Lab.docker(), "exec", container, "test", "-f", "/run/droplet-ready"), Map.of())
                        .succeeded());
    }

    /**
     * Starts a container of the lab through Testcontainers, on the lab network at {@code ip}, with
     * {@code port} published on 127.0.0.1 (a free port, fixed so that it stays across restarts).
     *
     * @return the published port
     */
    private int start(String image, String container, String role, String ip, int port,
            Consumer<CreateContainerCmd> more) {
        for (int attempt = 1; ; attempt++) {
            int published = freePort();
            @SuppressWarnings("resource") // removed by label, by Lab.down or the reaper, not by Testcontainers
            GenericContainer<?> started = new GenericContainer<>(DockerImageName.parse(image))
                    .withStartupAttempts(1)
                    .waitingFor(new AbstractWaitStrategy() {
                        @Override
                        protected void waitUntilReady() {
                            // each part has its own readiness, checked by the caller
                        }
                    })
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName(container);
                        cmd.withLabels(labels(Map.of("fleet.lab.role", role)));
                        cmd.withExposedPorts(ExposedPort.tcp(port));
                        cmd.withIpv4Address(ip);
                        cmd.getHostConfig().withNetworkMode(network).withPortBindings(new PortBinding(
                                Ports.Binding.bindIpAndPort("127.0.0.1", published), ExposedPort.tcp(port)));
                        more.accept(cmd);
                    });
            try {
                started.start();
                return published;
            } catch (RuntimeException e) {
                Lab.run(List.of(Lab.docker(), "rm", "-f", "-v", container), Map.of());
                String why = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
                if (attempt >= 5 || !(why.contains("already allocated") || why.contains("address already in use"))) {
                    throw new IllegalStateException("starting " + container + " from " + image + " failed: " + why, e);
                }
            }
        }
    }

    private String volume(String volume) {
        docker.createVolumeCmd().withName(volume).withLabels(labels(Map.of())).exec();
        return volume;
    }

    private static Mount volumeMount(String volume, String target) {
        return new Mount().withType(MountType.VOLUME).withSource(volume).withTarget(target);
    }

    private Map<String, String> labels(Map<String, String> more) {
        Map<String, String> labels = new LinkedHashMap<>(more);
        labels.put("fleet.lab", name);
        labels.put(LabOwner.LABEL, LabOwner.id());
        return labels;
    }

    private void writeKnownHosts() throws IOException {
        StringBuilder known = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            String container = env.get("LAB_DROPLET_" + i + "_CONTAINER");
            String port = env.get("LAB_DROPLET_" + i + "_SSH_PORT");
            for (String type : List.of("ed25519", "ecdsa", "rsa")) {
                Lab.CommandResult key = check(Lab.run(List.of(Lab.docker(), "exec", container, "cat",
                        "/etc/ssh/ssh_host_" + type + "_key.pub"), Map.of()), "reading a host key of " + container);
                String[] fields = key.output().strip().split("\\s+");
                known.append("[127.0.0.1]:").append(port).append(' ').append(fields[0]).append(' ').append(fields[1])
                        .append('\n');
            }
        }
        Files.writeString(dir.resolve("known_hosts.tmp"), known);
    }

    /** v1 on every droplet as the seed runs it, its log rotated as fleet's default has it. */
    private void startApps() {
        String image = env.get("LAB_IMAGE_V1");
        List<Runnable> starts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String container = env.get("LAB_DROPLET_" + i + "_CONTAINER");
            starts.add(() -> check(Lab.run(List.of(Lab.docker(), "exec", container, "sh", "-c",
                    "docker pull -q '" + image + "' >/dev/null && docker run -d --name " + APP_CONTAINER
                            + " --restart always -p " + APP_PORT + ":" + APP_PORT
                            + " --log-opt max-size=10m --log-opt max-file=3 --label fleet.service=" + APP_CONTAINER
                            + " '" + image + "' >/dev/null"), Map.of()), "starting the app on " + container));
        }
        sideBySide(starts, count);
    }

    /** HAProxy from the lab's template, its runtime API socket in a folder of the lab's directory. */
    private void startHaproxy(boolean waitForServers) throws IOException {
        StringBuilder config = new StringBuilder(Files.readString(Lab.LAB_HOME.resolve("haproxy/haproxy.cfg")));
        for (int i = 1; i <= count; i++) {
            config.append("    server ").append(env.get("LAB_DROPLET_" + i + "_NAME")).append(' ')
                    .append(env.get("LAB_DROPLET_" + i + "_IP")).append(':').append(APP_PORT).append('\n');
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Path socketDir = Files.createDirectories(dir.resolve("haproxy"));
        Files.deleteIfExists(socketDir.resolve("admin.sock"));
        Files.deleteIfExists(dir.resolve("haproxy.sock"));
        Files.createSymbolicLink(dir.resolve("haproxy.sock"), Path.of("haproxy/admin.sock"));
        String user = Lab.run(List.of("id", "-u"), Map.of()).output().strip() + ":"
                + Lab.run(List.of("id", "-g"), Map.of()).output().strip();
        int port = start(images.haproxy(), name + "-haproxy", "haproxy", prefix + "." + HAPROXY_HOST, HAPROXY_PORT,
                cmd -> {
                    cmd.withUser(user);
                    cmd.getHostConfig().withMounts(List.of(
                            new Mount().withType(MountType.BIND).withSource(file.toString()).withTarget(HAPROXY_CONFIG)
                                    .withReadOnly(true),
                            new Mount().withType(MountType.BIND).withSource(socketDir.toString())
                                    .withTarget(HAPROXY_SOCKET_DIR)));
                });
        env.put("LAB_LB_URL", "http://127.0.0.1:" + port);
        waitUntil(Duration.ofSeconds(20), "HAProxy's runtime API", () -> Files.exists(socketDir.resolve("admin.sock")));
        if (waitForServers) {
            waitUntil(Duration.ofSeconds(15), "every droplet UP in HAProxy", () -> {
                Map<String, String> states = Lab.balancerStates(dir.resolve("haproxy.sock"), HAPROXY_BACKEND);
                return states.size() == count && states.values().stream().allMatch("UP"::equals);
            });
        }
    }

    private void waitForNginx() {
        for (int i = 1; i <= count; i++) {
            URI uri = URI.create(env.get("LAB_DROPLET_" + i + "_HTTP_URL") + "/");
            waitUntil(Duration.ofSeconds(20), "nginx on droplet-" + i, () -> {
                try (HttpClient client = HttpClient.newHttpClient()) {
                    client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return true;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
        }
    }

    /** The lab fleet's desired state, from deploy/lab/state/, in a git repository of its own. */
    private void writeStateRepository() throws IOException {
        Path repo = dir.resolve("state");
        Lab.run(List.of("rm", "-rf", repo.toString()), Map.of());
        Files.createDirectories(repo);
        Files.copy(dir.resolve("known_hosts.tmp"), repo.resolve("known_hosts"));
        String template = Files.readString(Lab.LAB_HOME.resolve(switch (kind) {
            case BLUE_GREEN -> "state/blue-green.yaml";
            case SERVICES -> "state/services.yaml";
            default -> "state/drain-and-swap.yaml";
        }));
        StringBuilder state = new StringBuilder(template.replace("${APP_CONTAINER}", APP_CONTAINER)
                .replace("${LAB_IMAGE_V1}", env.get("LAB_IMAGE_V1")).replace("${APP_PORT}", Integer.toString(APP_PORT))
                .replace("${SSH_USER}", SSH_USER).replace("${LAB_DIR}", dir.toString()));
        for (int i = 1; i <= count; i++) {
            state.append("  - name: ").append(env.get("LAB_DROPLET_" + i + "_NAME")).append("\n    host: 127.0.0.1\n")
                    .append("    port: ").append(env.get("LAB_DROPLET_" + i + "_SSH_PORT")).append('\n');
            if (kind == Kind.SERVICES) {
                // The services' selectors, as deploy/lab/lab up --services writes them.
                state.append(i < count ? "    tags: [workers]\n" : count == 1 ? "    tags: [workers, db]\n"
                        : "    tags: [db]\n");
            }
        }
        Files.writeString(repo.resolve("fleet.yaml"), state);
        check(Lab.run(List.of("git", "-C", repo.toString(), "init", "-q", "-b", "main"), Map.of()), "git init");
        check(Lab.run(List.of("git", "-C", repo.toString(), "add", "fleet.yaml", "known_hosts"), Map.of()), "git add");
        check(Lab.run(List.of("git", "-C", repo.toString(), "-c", "user.name=fleet lab", "-c",
                "user.email=lab@fleet.invalid", "commit", "-q", "-m", "Lab fleet on v1"), Map.of()), "git commit");
    }

    private void writeEnv() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("LAB_NAME", name);
        all.put("LAB_DIR", dir.toString());
        all.put("LAB_STRATEGY", kind == Kind.BLUE_GREEN ? "blue-green" : "drain-and-swap");
        all.put("LAB_LB_URL", env.getOrDefault("LAB_LB_URL", ""));
        all.put("LAB_HAPROXY_SOCKET", dir.resolve("haproxy.sock").toString());
        all.put("LAB_HAPROXY_BACKEND", HAPROXY_BACKEND);
        all.put("LAB_STATE_FILE", kind == Kind.BARE ? "" : dir.resolve("state/fleet.yaml").toString());
        for (String version : VERSIONS) {
            String variable = "LAB_IMAGE_" + version.toUpperCase(Locale.ROOT);
            all.put(variable, env.get(variable));
        }
        all.put("LAB_REGISTRY", "127.0.0.1:" + registryPort);
        all.put("LAB_BARE", kind == Kind.BARE ? "1" : "0");
        all.put("LAB_REGISTRY_NAME", registryName);
        all.put("LAB_REPOSITORY", registryName + "/" + APP_REPOSITORY);
        if (kind == Kind.BARE) {
            all.put("LAB_REGISTRY_USER", REGISTRY_USER);
            all.put("LAB_REGISTRY_PASSWORD_FILE", dir.resolve("registry/password").toString());
        }
        all.put("LAB_DROPLETS", String.join(" ", droplets));
        all.put("LAB_SSH_USER", SSH_USER);
        all.put("LAB_SSH_KEY", dir.resolve("id_ed25519").toString());
        all.put("LAB_KNOWN_HOSTS", kind == Kind.BARE ? "" : dir.resolve("state/known_hosts").toString());
        all.put("LAB_APP_CONTAINER", APP_CONTAINER);
        all.put("LAB_APP_PORT", Integer.toString(APP_PORT));
        for (int i = 1; i <= count; i++) {
            for (String field : List.of("NAME", "SSH_PORT", "IP", "CONTAINER", "HTTP_URL")) {
                String variable = "LAB_DROPLET_" + i + "_" + field;
                all.put(variable, env.get(variable));
            }
        }
        StringBuilder file = new StringBuilder("# Written by the tests' lab (dev.fleet.lab.LabStart); the lab '" + name
                + "' is up while this file exists.\n");
        all.forEach((variable, value) -> file.append(variable).append("=\"").append(value).append("\"\n"));
        Files.writeString(dir.resolve("lab.env.tmp"), file);
        Files.move(dir.resolve("lab.env.tmp"), dir.resolve("lab.env"), StandardCopyOption.REPLACE_EXISTING);
        env.clear();
        env.putAll(all);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Lab.CommandResult check(Lab.CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed (exit " + result.exitCode() + "): " + result.output());
        }
        return result;
    }

    /** Polls every 100 ms; waiting is bounded, and a lab that does not come up says what it waited for. */
    private static void waitUntil(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the lab gave up waiting for " + what + " after " + limit);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A host configuration with /proc and /sys unmasked, as {@code --security-opt systempaths=unconfined}
     * asks: a nested dockerd writes there. docker-java has no field for it; the engine's API has.
     */
    static final class Unmasked extends HostConfig {

        @JsonProperty("MaskedPaths")
        private final List<String> maskedPaths = List.of();

        @JsonProperty("ReadonlyPaths")
        private final List<String> readonlyPaths = List.of();

        static Unmasked of(HostConfig host) {
            ObjectMapper mapper = new ObjectMapper();
            return mapper.convertValue(mapper.convertValue(host, Map.class), Unmasked.class);
        }
    }
}
