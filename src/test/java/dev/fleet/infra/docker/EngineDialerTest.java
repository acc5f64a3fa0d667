package dev.fleet.infra.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.infra.docker.EngineDialer.Transport;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.observed.UnreachableReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The choice between a streamlocal channel and dial-stdio, with channels that are only names. */
class EngineDialerTest {

    private final AtomicInteger streamLocalAsked = new AtomicInteger();
    private final AtomicInteger dialStdioStarted = new AtomicInteger();
    private final ConcurrentLinkedQueue<Transport> chosen = new ConcurrentLinkedQueue<>();

    @Test
    void aDropletThatOpensStreamlocalIsReachedThroughItForEveryChannel() throws Exception {
        var dialer = dialer(() -> Optional.of("streamlocal-" + streamLocalAsked.incrementAndGet()));

        assertThat(List.of(dialer.open(), dialer.open(), dialer.open()))
                .containsExactly("streamlocal-1", "streamlocal-2", "streamlocal-3");
        assertThat(dialStdioStarted).hasValue(0);
        assertThat(dialer.transport()).contains(Transport.STREAMLOCAL);
        assertThat(chosen).containsExactly(Transport.STREAMLOCAL);
    }

    @Test
    void aRefusedStreamlocalFallsBackToDialStdioAndIsNeverAskedAgain() throws Exception {
        var dialer = dialer(() -> {
            streamLocalAsked.incrementAndGet();
            return Optional.empty();
        });

        assertThat(List.of(dialer.open(), dialer.open(), dialer.open()))
                .containsExactly("dial-stdio-1", "dial-stdio-2", "dial-stdio-3");
        assertThat(streamLocalAsked).hasValue(1);
        assertThat(dialer.transport()).contains(Transport.DIAL_STDIO);
        assertThat(chosen).containsExactly(Transport.DIAL_STDIO);
    }

    @Test
    void aFailureThatIsNotARefusalDecidesNothing() throws Exception {
        var dialer = dialer(() -> {
            if (streamLocalAsked.incrementAndGet() == 1) {
                throw new DropletException(UnreachableReason.TIMEOUT, "did not answer");
            }
            return Optional.of("streamlocal");
        });

        assertThatThrownBy(dialer::open).isInstanceOf(DropletException.class).hasMessage("did not answer");
        assertThat(dialer.transport()).isEmpty();
        assertThat(chosen).isEmpty();

        assertThat(dialer.open()).isEqualTo("streamlocal");
        assertThat(dialer.transport()).contains(Transport.STREAMLOCAL);
        assertThat(dialStdioStarted).hasValue(0);
    }

    @Test
    void aRefusalOnceStreamlocalWasChosenFailsThatChannelWithoutSwitching() throws Exception {
        var dialer = dialer(() -> streamLocalAsked.incrementAndGet() == 1 ? Optional.of("streamlocal") : Optional.empty());

        assertThat(dialer.open()).isEqualTo("streamlocal");
        assertThatThrownBy(dialer::open).isInstanceOfSatisfying(DropletException.class, e -> {
            assertThat(e.reason()).isEqualTo(UnreachableReason.DOCKER);
            assertThat(e.getMessage()).contains("/var/run/docker.sock").contains("is dockerd running?");
        });
        assertThat(dialer.transport()).contains(Transport.STREAMLOCAL);
        assertThat(dialStdioStarted).hasValue(0);
    }

    @Test
    void channelsOpenedAtOnceWaitForTheFirstAnswerSoTheDropletIsAskedOnce() throws Exception {
        var dialer = dialer(() -> {
            streamLocalAsked.incrementAndGet();
            Thread.sleep(50);
            return Optional.empty();
        });
        List<Future<String>> opens = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < 8; i++) {
                opens.add(threads.submit(() -> {
                    start.await();
                    return dialer.open();
                }));
            }
            start.countDown();
            for (Future<String> open : opens) {
                assertThat(open.get(5, TimeUnit.SECONDS)).startsWith("dial-stdio-");
            }
        }
        assertThat(streamLocalAsked).hasValue(1);
        assertThat(dialStdioStarted).hasValue(8);
        assertThat(chosen).containsExactly(Transport.DIAL_STDIO);
    }

    private interface SlowStreamLocal {
        Optional<String> open() throws DropletException, InterruptedException;
    }

    private EngineDialer<String> dialer(SlowStreamLocal streamLocal) {
        return new EngineDialer<>(() -> {
            try {
                return streamLocal.open();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DropletException(UnreachableReason.OTHER, "interrupted");
            }
        }, () -> "dial-stdio-" + dialStdioStarted.incrementAndGet(), chosen::add);
    }
}
