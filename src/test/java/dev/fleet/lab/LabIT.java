package dev.fleet.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyPairWrapper;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lab is what every later feature is proven on: real sshd, real Docker, real HAProxy. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(3);

    private static final Pattern INSTANCE_ID = Pattern.compile("\"id\":\"([0-9a-f]+)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @Order(1)
    void everyDropletAcceptsTheLabKeyOverVerifiedSsh() throws IOException {
        for (LabDroplet droplet : lab.get().droplets()) {
            try (SSHClient ssh = connect(droplet)) {
                ssh.authPublickey(lab.get().sshUser(), ssh.loadKeys(lab.get().sshKey().toString()));
                assertThat(exec(ssh, "hostname")).isEqualTo(droplet.name());
                // The deploy user reaches the droplet's own Docker engine, which runs the app.
                assertThat(exec(ssh, "docker ps --format '{{.Names}}'")).isEqualTo(lab.get().env("LAB_APP_CONTAINER"));
            }
        }
    }

    @Test
    @Order(2)
    void everyDropletRefusesAKeyItDoesNotKnow() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(3072);
        var strangerKey = new KeyPairWrapper(generator.generateKeyPair());
        for (LabDroplet droplet : lab.get().droplets()) {
            try (SSHClient ssh = connect(droplet)) {
                assertThatThrownBy(() -> ssh.authPublickey(lab.get().sshUser(), strangerKey))
                        .isInstanceOf(UserAuthException.class);
                assertThat(ssh.isAuthenticated()).isFalse();
            }
        }
    }

    @Test
    @Order(3)
    void theBalancerSpreadsRequestsOverEveryDroplet() throws Exception {
        Set<String> instances = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = get(lab.get().balancerUri("/"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"version\":\"v1\"");
            Matcher id = INSTANCE_ID.matcher(response.body());
            assertThat(id.find()).as("instance id in %s", response.body()).isTrue();
            instances.add(id.group(1));
        }
        assertThat(instances).hasSize(3);
    }

    @Test
    @Order(4)
    void shutdownTakesADropletOutOfTheBalancerWithinThreeSecondsWhileRequestsKeepSucceeding() throws Exception {
        LabDroplet target = lab.get().droplets().get(0);
        assertThat(lab.get().balancerStates()).containsValues("UP").doesNotContainValue("DOWN");

        String state;
        Duration toDown;
        LoadRun.Summary load;
        try (LoadRun run = LoadRun.start(lab.get().balancerUri("/").toString(), 100, 60)) {
            Thread.sleep(300);
            assertThat(get(lab.get().appUri(target, "/shutdown")).statusCode()).isEqualTo(200);
            long shutdownAt = System.nanoTime();
            assertThat(get(lab.get().appUri(target, "/health")).statusCode()).isEqualTo(503);

            state = lab.get().balancerStates().get(target.name());
            while (!state.startsWith("DOWN") && System.nanoTime() - shutdownAt < TimeUnit.SECONDS.toNanos(5)) {
                Thread.sleep(100);
                state = lab.get().balancerStates().get(target.name());
            }
            toDown = Duration.ofNanos(System.nanoTime() - shutdownAt);
            Thread.sleep(1000); // keep the load going once the droplet is out, too
            load = run.stop();
        }

        System.out.printf("%s DOWN in HAProxy %d ms after /shutdown%n", target.name(), toDown.toMillis());
        assertThat(state).as("%s in HAProxy after %s", target.name(), toDown).startsWith("DOWN");
        assertThat(toDown).isLessThanOrEqualTo(Duration.ofSeconds(3));
        load.assertZeroDowntime("while the droplet drained itself", "");
        assertThat(lab.get().balancerStates()).containsEntry(lab.get().droplets().get(1).name(), "UP");
    }

    private SSHClient connect(LabDroplet droplet) throws IOException {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(new OpenSSHKnownHosts(lab.get().knownHosts().toFile()));
        ssh.setConnectTimeout(5_000);
        ssh.setTimeout(10_000);
        ssh.connect("127.0.0.1", droplet.sshPort());
        return ssh;
    }

    private static String exec(SSHClient ssh, String command) throws IOException {
        try (Session session = ssh.startSession(); Session.Command cmd = session.exec(command)) {
            String output = new String(cmd.getInputStream().readAllBytes()).strip();
            cmd.join(10, TimeUnit.SECONDS);
            assertThat(cmd.getExitStatus()).as("exit status of %s", command).isZero();
            return output;
        }
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
