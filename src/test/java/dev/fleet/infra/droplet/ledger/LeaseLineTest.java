package dev.fleet.infra.droplet.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.rollout.ledger.Lease;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseLineTest {

    private static final String FLEETS = "run=7f3a owner=ci@runner commit=0123abcd since=1700000000 expires=1700000120"
            + " process=4242@host:1699999990";

    @Test
    void readsTheLineFleetWrites() {
        assertThat(LeaseLine.parse(FLEETS)).isEqualTo(new LeaseLine.Readable(new Lease("7f3a", "ci@runner", "0123abcd",
                Instant.ofEpochSecond(1700000000), Instant.ofEpochSecond(1700000120), Optional.of("4242@host:1699999990"))));
    }

    @Test
    void readsALineWithoutAProcessAsOlderFleetsWroteIt() {
        assertThat(LeaseLine.parse("run=7f3a owner=ci commit=0123abcd since=1 expires=2 process=-"))
                .isInstanceOfSatisfying(LeaseLine.Readable.class, r -> assertThat(r.lease().process()).isEmpty());
        assertThat(LeaseLine.parse("run=7f3a owner=ci commit=0123abcd since=1 expires=2"))
                .isInstanceOfSatisfying(LeaseLine.Readable.class, r -> assertThat(r.lease().expires())
                        .isEqualTo(Instant.ofEpochSecond(2)));
    }

    @Test
    void anOwnerThatHoldsExpiresIsAnOwnerNotAnExpiry() {
        assertThat(LeaseLine.parse("run=7f3a owner=ci-expires=9@runner commit=0123abcd since=1 expires=2 process=-"))
                .isInstanceOfSatisfying(LeaseLine.Readable.class, r -> {
                    assertThat(r.lease().owner()).isEqualTo("ci-expires=9@runner");
                    assertThat(r.lease().expires()).isEqualTo(Instant.ofEpochSecond(2));
                });
    }

    @Test
    void saysWhatIsWrongWithALineFleetDidNotWrite() {
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1 expires=soon process=-"))
                .isEqualTo("its expires is 'soon', not a time in seconds since 1970");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1 process=-")).isEqualTo("it has no expires field");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd")).isEqualTo("it has no since field");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1  expires=2"))
                .isEqualTo("its fields are not separated by single spaces");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1 expires=2 colour=blue"))
                .isEqualTo("it has a field fleet does not write, 'colour'");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1 expires=2 expires=3"))
                .isEqualTo("it has two expires fields");
        assertThat(problem("run=7f3a owner=ci\"x commit=0123abcd since=1 expires=2"))
                .isEqualTo("its owner is 'ci\"x', with characters fleet never writes there");
        assertThat(problem("owner=ci run=7f3a commit=0123abcd since=1 expires=2"))
                .isEqualTo("its fields are not in fleet's order (run, owner, commit, since, expires, process)");
        assertThat(problem("held by bob")).isEqualTo("'held' is no field of a lease (key=value)");
        assertThat(problem(FLEETS + "\n" + FLEETS)).isEqualTo("it has more than one line");
        assertThat(problem("")).isEqualTo("it is empty");
    }

    @Test
    void aLineLongerThanTheLimitIsGarbledAndAValueIsShownShort() {
        String owner = "x".repeat(LeaseLine.MAX_BYTES);
        assertThat(problem("run=7f3a owner=" + owner + " commit=0123abcd since=1 expires=2"))
                .isEqualTo("it is longer than 1024 bytes");
        assertThat(problem("run=7f3a owner=ci commit=0123abcd since=1 expires=" + "9".repeat(100)))
                .isEqualTo("its expires is '" + "9".repeat(40) + "...', not a time in seconds since 1970");
    }

    /** The droplet's script checks a lease with {@code grep -Eqx SHAPE}: it must agree with this class. */
    @ParameterizedTest
    @ValueSource(strings = {
        FLEETS,
        "run=7f3a owner=ci commit=0123abcd since=1 expires=2",
        "run=7f3a owner=ci-expires=9@runner commit=0123abcd since=1 expires=2 process=-",
        "run=7f3a owner=ci commit=0123abcd since=1 expires=soon process=-",
        "run=7f3a owner=ci commit=0123abcd since=1 process=-",
        "run=7f3a owner=ci commit=0123abcd since=1 expires=2 process=- ",
        "run=7f3a owner=ci\"x commit=0123abcd since=1 expires=2",
        "run=7f3a owner=ci commit=0123abcd since=1 expires=2 colour=blue",
        "run=7f3a owner=cï commit=0123abcd since=1 expires=2",
        "owner=ci run=7f3a commit=0123abcd since=1 expires=2",
    })
    void theDropletsCheckAndThisClassAgree(String line) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("grep", "-Eqx", LeaseLine.SHAPE).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        Process grep = builder.start();
        grep.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        grep.getOutputStream().close();
        assertThat(grep.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(grep.exitValue() == 0).as("grep -E accepts %s", line)
                .isEqualTo(LeaseLine.parse(line) instanceof LeaseLine.Readable);
    }

    private static String problem(String line) {
        LeaseLine.Parsed parsed = LeaseLine.parse(line);
        assertThat(parsed).isInstanceOf(LeaseLine.Garbled.class);
        return ((LeaseLine.Garbled) parsed).problem();
    }
}
