package dev.fleet.infra.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.fleet.desired.SshSettings;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.LabTargets;
import dev.fleet.infra.ssh.SshChannel;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.lab.LabDroplet;
import dev.fleet.lab.LabExtension;
import dev.fleet.observed.UnreachableReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Docker Engine API over SSH channels, on a real droplet: streamlocal channels to the engine's
 * socket (the lab's sshd allows them), and {@code docker system dial-stdio} where they fail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DropletConnectionIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(1);

    private final SshConnector connector = new SshConnector();

    @Test
    @Order(1)
    void listsTheDropletsContainersOverStreamlocal() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        long connecting = System.nanoTime();
        try (DropletConnection connection = DropletConnection.open(connector, LabTargets.droplet(lab.get(), droplet),
                LabTargets.ssh(lab.get()))) {
            long connected = System.nanoTime();
            List<Container> containers = connection.call("listing containers",
                    docker -> docker.listContainersCmd().withShowAll(true).exec());
            long listed = System.nanoTime();
            List<Container> again = connection.call("listing containers",
                    docker -> docker.listContainersCmd().withShowAll(true).exec());
            long listedAgain = System.nanoTime();

            assertThat(containers).extracting(c -> c.getNames()[0])
                    .containsExactly("/" + lab.get().env("LAB_APP_CONTAINER"));
            assertThat(again).hasSize(1);
            assertThat(connection.transport()).contains(EngineDialer.Transport.STREAMLOCAL);
            System.out.printf("SSH connect+auth %d ms (first in this JVM); first list over a new streamlocal channel %d ms;"
                    + " list on the open channel %d ms%n", ms(connected - connecting), ms(listed - connected),
                    ms(listedAgain - listed));
        }
    }

    @Test
    @Order(2)
    void opensChannelsInTensOfMilliseconds() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        long connecting = System.nanoTime();
        try (var ssh = connector.connect(LabTargets.droplet(lab.get(), droplet), LabTargets.ssh(lab.get()))) {
            long connected = System.nanoTime();
            List<Long> opens = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long opening = System.nanoTime();
                try (SshChannel channel = ssh.exec("echo ok")) {
                    opens.add(System.nanoTime() - opening);
                    channel.setReadTimeout(Duration.ofSeconds(5));
                    assertThat(new String(channel.input().readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo("ok");
                }
            }
            long forwarding = System.nanoTime();
            try (SshChannel forward = ssh.forward("127.0.0.1", 80)) {
                assertThat(forward.isOpen()).isTrue();
            }
            long forwarded = System.nanoTime();
            System.out.printf("SSH connect+auth %d ms (warm JVM); exec channel open %s ms; direct-tcpip open %d ms%n",
                    ms(connected - connecting), opens.stream().map(DropletConnectionIT::ms).toList(),
                    ms(forwarded - forwarding));
        }
    }

    @Test
    @Order(3)
    void thirtyConcurrentCallsShareAtMostEightChannelsAndAllSucceed() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        String app = lab.get().env("LAB_APP_CONTAINER");
        try (DropletConnection connection = DropletConnection.open(connector, LabTargets.droplet(lab.get(), droplet),
                LabTargets.ssh(lab.get()));
                ExecutorService threads = Executors.newFixedThreadPool(30)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<InspectContainerResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Callable<InspectContainerResponse> inspect = () -> {
                    start.await();
                    return connection.call("inspecting " + app, docker -> docker.inspectContainerCmd(app).exec());
                };
                calls.add(threads.submit(inspect));
            }
            long started = System.nanoTime();
            start.countDown();
            for (Future<InspectContainerResponse> call : calls) {
                assertThat(call.get(30, TimeUnit.SECONDS).getState().getRunning()).isTrue();
            }
            long finished = System.nanoTime();

            assertThat(connection.openChannels()).isBetween(1, EngineHttpClient.MAX_CHANNELS);
            System.out.println("sshj threads while connected: " + sshjThreads(droplet));
            assertThat(sshjThreads(droplet)).isNotEmpty();
            // The world's view, over a separate connection: streamlocal channels start no process on the droplet.
            assertThat(connection.transport()).contains(EngineDialer.Transport.STREAMLOCAL);
            int remote = dialStdioProcesses(droplet);
            assertThat(remote).isZero();
            System.out.printf("30 concurrent inspects in %d ms over %d channels (%d dial-stdio processes on the droplet)%n",
                    ms(finished - started), connection.openChannels(), remote);
        }
        assertThat(eventuallyNoDialStdio(droplet)).as("dial-stdio processes left after close").isZero();
        assertThat(eventuallyNoSshjThreads(droplet)).as("sshj threads left after close").isEmpty();
    }

    @Test
    @Order(4)
    void anEngineThatDoesNotAnswerTimesOutWithinTheCallTimeout() throws Exception {
        LabDroplet droplet = lab.get().droplets().get(0);
        SshSettings quick = new SshSettings(lab.get().sshKey(), lab.get().knownHosts(), Duration.ofSeconds(5),
                Duration.ofSeconds(2));
        try (DropletConnection connection = DropletConnection.open(connector, LabTargets.droplet(lab.get(), droplet), quick)) {
            connection.call("pinging", docker -> docker.pingCmd().exec());
            try {
                // Once in 15 runs a call sent right after kill returned was still answered over streamlocal (quicker
                // than dial-stdio): wait until every thread of dockerd shows as stopped.
                LabTargets.docker("exec", droplet.container(), "sh", "-c", "pid=$(pidof dockerd) && kill -STOP $pid"
                        + " && for i in $(seq 200); do grep -h '^State' /proc/$pid/task/*/status | grep -qv 'T (stopped)'"
                        + " || exit 0; sleep 0.01; done; exit 1");
                long calling = System.nanoTime();
                assertThatThrownBy(() -> connection.call("listing containers",
                        docker -> docker.listContainersCmd().exec()))
                        .isInstanceOfSatisfying(DropletException.class, e -> {
                            assertThat(e.reason()).isEqualTo(UnreachableReason.TIMEOUT);
                            assertThat(e.isTransient()).isTrue();
                            assertThat(e.getMessage()).contains("did not answer listing containers within 2s");
                        });
                assertThat(Duration.ofNanos(System.nanoTime() - calling)).isLessThan(Duration.ofSeconds(4));
            } finally {
                LabTargets.docker("exec", droplet.container(), "sh", "-c", "kill -CONT $(pidof dockerd)");
            }
            // The timed-out channel is discarded; the next call gets a fresh one.
            connection.call("pinging", docker -> docker.pingCmd().exec());
        }
    }

    @Test
    @Order(5)
    void anEngineTheUserMayNotUseIsReportedWithDialStdiosOwnWords() throws Exception {
        // sshd cannot connect the user's streamlocal channel either: fleet falls back to dial-stdio, which says why.
        LabDroplet droplet = lab.get().droplets().get(0);
        LabTargets.docker("exec", droplet.container(), "chmod", "600", "/var/run/docker.sock");
        try (DropletConnection connection = DropletConnection.open(connector, LabTargets.droplet(lab.get(), droplet),
                LabTargets.ssh(lab.get()))) {
            assertThatThrownBy(() -> connection.call("listing containers", docker -> docker.listContainersCmd().exec()))
                    .isInstanceOfSatisfying(DropletException.class, e -> {
                        assertThat(e.reason()).isEqualTo(UnreachableReason.DOCKER);
                        assertThat(e.getMessage()).contains("listing containers").contains("permission denied");
                    });
            assertThat(connection.transport()).contains(EngineDialer.Transport.DIAL_STDIO);
        } finally {
            LabTargets.docker("exec", droplet.container(), "chmod", "660", "/var/run/docker.sock");
        }
    }

    private int dialStdioProcesses(LabDroplet droplet) {
        String count = lab.get().ssh(droplet.name(), "pgrep -c -f 'docker system [d]ial-stdio' || true").output().strip();
        return Integer.parseInt(count.lines().reduce((first, last) -> last).orElse("0").strip());
    }

    private int eventuallyNoDialStdio(LabDroplet droplet) throws InterruptedException {
        int left = dialStdioProcesses(droplet);
        for (int i = 0; i < 20 && left > 0; i++) {
            Thread.sleep(100);
            left = dialStdioProcesses(droplet);
        }
        return left;
    }

    /** sshj names its reader and keep-alive threads after the remote address. */
    private static List<String> eventuallyNoSshjThreads(LabDroplet droplet) throws InterruptedException {
        List<String> left = sshjThreads(droplet);
        for (int i = 0; i < 20 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = sshjThreads(droplet);
        }
        return left;
    }

    private static List<String> sshjThreads(LabDroplet droplet) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.contains(":" + droplet.sshPort())).toList();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
