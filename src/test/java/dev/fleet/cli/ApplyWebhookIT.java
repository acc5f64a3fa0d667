package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fleet.lab.Lab;
import dev.fleet.lab.LabExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code fleet apply --webhook} on a real lab: the rollout's events reach a receiver in the test,
 * signed as the README documents, and a receiver that never answers costs the apply at most one
 * post's timeout at its end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApplyWebhookIT {

    @RegisterExtension
    static final LabExtension lab = LabExtension.withDroplets(2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "apply-webhook-key-Z4r";
    private static Duration signedApplyTook;

    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private HttpServer receiver;

    @AfterEach
    void stopReceiver() {
        released.countDown();
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    @Order(1)
    void theRolloutsEventsReachTheReceiverSignedWithTheKey() throws Exception {
        String url = receive(false);
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V1"), lab().env("LAB_IMAGE_V2")), "v2");

        FleetProcess.Result apply = FleetProcess.run(Map.of("FLEET_WEBHOOK_URL", url, "FLEET_WEBHOOK_SECRET", KEY),
                "apply", "--yes", "--state", lab().stateFile().toString());
        signedApplyTook = apply.took();

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(received).extracting(r -> r.get("event")).containsExactly("rollout_started", "rollout_finished");
        for (Map<String, String> post : received) {
            assertThat(post.get("signature")).as(post.get("event"))
                    .isEqualTo(hmac(post.get("timestamp") + "." + post.get("body")));
            assertThat(Duration.between(Instant.ofEpochSecond(Long.parseLong(post.get("timestamp"))), Instant.now()).abs())
                    .isLessThan(Duration.ofMinutes(5));
            JsonNode body = JSON.readTree(post.get("body"));
            assertThat(body.path("event").asText()).isEqualTo(post.get("event"));
            assertThat(body.path("service").asText()).isEqualTo("demo");
        }
        assertThat(JSON.readTree(received.getFirst().get("body")).path("droplets")).hasSize(2);
        assertThat(apply.stdout() + apply.stderr()).doesNotContain(KEY);
    }

    @Test
    @Order(2)
    void aReceiverThatNeverAnswersCostsTheApplyAtMostOnePostsTimeout() throws Exception {
        String url = receive(true);
        lab().commitState(state -> state.replace(lab().env("LAB_IMAGE_V2"), lab().env("LAB_IMAGE_V1")), "v1");

        FleetProcess.Result apply = FleetProcess.run(Map.of("FLEET_WEBHOOK_URL", url), "apply", "--yes",
                "--state", lab().stateFile().toString());

        assertThat(apply.exitCode()).as(apply.stdout() + apply.stderr()).isZero();
        assertThat(apply.stdout()).containsPattern("(?m)^  \\S+ +converged ");
        assertThat(apply.stderr()).contains("the webhook did not take every event within 5s");
        // The first apply also pulled v2; this one pulls nothing, so the bound is generous.
        assertThat(apply.took()).isLessThan(signedApplyTook.plus(Applying.WEBHOOK_WAIT).plusSeconds(10));
        assertThat(received).extracting(r -> r.get("event")).startsWith("rollout_started");
    }

    @Test
    @Order(3)
    void theHistoryAsJsonHoldsBothAppliesWithEachDropletsDigests() throws Exception {
        FleetProcess.Result history = FleetProcess.run("history", "-o", "json", "--state", lab().stateFile().toString());

        assertThat(history.exitCode()).as(history.stderr()).isZero();
        JsonNode json = JSON.readTree(history.stdout());
        assertThat(json.path("schema").asText()).isEqualTo("fleet.history/v1");
        List<JsonNode> applies = new ArrayList<>();
        json.path("entries").forEach(entry -> {
            if (entry.path("kind").asText().equals("apply") && entry.path("result").asText().equals("converged")) {
                applies.add(entry);
            }
        });
        assertThat(applies).hasSizeGreaterThanOrEqualTo(2);
        JsonNode last = applies.getLast();
        assertThat(last.path("seconds").asDouble()).isPositive();
        assertThat(last.path("droplets")).hasSize(2).allSatisfy(droplet -> {
            assertThat(droplet.path("result").asText()).isEqualTo("converged");
            assertThat(droplet.path("toDigest").asText()).startsWith("sha256:");
            assertThat(droplet.path("steps")).isNotEmpty();
        });
    }

    /** Starts a receiver that keeps each post (its event, body, timestamp and signature); {@code hang}: never answer. */
    private String receive(boolean hang) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.createContext("/hook", exchange -> {
            Map<String, String> post = new HashMap<>();
            post.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            post.put("event", exchange.getRequestHeaders().getFirst("X-Fleet-Event"));
            post.put("timestamp", exchange.getRequestHeaders().getFirst("X-Fleet-Timestamp"));
            post.put("signature", exchange.getRequestHeaders().getFirst("X-Fleet-Signature-256"));
            received.add(post);
            if (hang) {
                try {
                    released.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/T0KEN-path";
    }

    private static String hmac(String signed) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private static Lab lab() {
        return lab.get();
    }
}
