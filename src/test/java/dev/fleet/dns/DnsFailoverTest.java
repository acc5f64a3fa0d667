package dev.fleet.dns;

import static dev.fleet.dns.DropletCheck.failed;
import static dev.fleet.dns.DropletCheck.passed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.dns.DnsDecision.Add;
import dev.fleet.dns.DnsDecision.AllDown;
import dev.fleet.dns.DnsDecision.KeepLastHealthy;
import dev.fleet.dns.DnsDecision.Recovered;
import dev.fleet.dns.DnsDecision.Remove;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsFailoverTest {

    private static final String NAME = "www.example.test.";
    private static final String ONE = "192.0.2.1";
    private static final String TWO = "192.0.2.2";
    private static final String THREE = "192.0.2.3";
    private static final String ONE_V6 = "2001:db8::1";

    private final DnsFailover failover = DnsFailover.withDefaults(NAME, 60);

    /** DNS as a provider would keep it, with every change of every round made. */
    private final class World {
        FailoverState state = FailoverState.initial();
        List<DnsRecord> published = new ArrayList<>();
        FailoverRound last;
        boolean applyChanges = true;

        World(String... addresses) {
            for (String address : addresses) {
                published.add(DnsRecord.of(NAME, address, 300));
            }
        }

        List<DnsDecision> round(DropletCheck... checks) {
            last = failover.round(state, Arrays.asList(checks), List.copyOf(published));
            state = last.state();
            if (applyChanges) {
                for (DnsDecision change : last.changes()) {
                    switch (change) {
                        case Add add -> published.add(add.record());
                        case Remove remove -> published.removeIf(r -> r.sameAddress(remove.record()));
                        default -> throw new AssertionError(change);
                    }
                }
            }
            return last.decisions();
        }

        List<String> addresses() {
            return published.stream().map(DnsRecord::address).toList();
        }
    }

    @Test
    void aDropletIsRemovedAfterExactlyTwoFailedChecksInARowAndNotBefore() {
        World world = new World(ONE, TWO);

        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).isEmpty();
        List<DnsDecision> second = world.round(failed("d1", ONE), passed("d2", TWO));

        assertThat(second).containsExactly(
                new Remove("d1", DnsRecord.of(NAME, ONE, 300), "failed 2 health checks in a row"));
        assertThat(world.addresses()).containsExactly(TWO);
    }

    @Test
    void aSinglePassedCheckStartsTheFailureCountAgain() {
        World world = new World(ONE, TWO);

        world.round(failed("d1", ONE), passed("d2", TWO));
        world.round(passed("d1", ONE), passed("d2", TWO));
        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).isEmpty();

        assertThat(world.addresses()).containsExactly(ONE, TWO);
        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).hasOnlyElementsOfType(Remove.class);
    }

    @Test
    void aRemovedDropletIsAddedBackAfterTwoPassedChecksInARowAndNotAfterOne() {
        World world = new World(ONE, TWO);
        world.round(failed("d1", ONE), passed("d2", TWO));
        world.round(failed("d1", ONE), passed("d2", TWO));

        assertThat(world.round(passed("d1", ONE), passed("d2", TWO))).isEmpty();
        List<DnsDecision> second = world.round(passed("d1", ONE), passed("d2", TWO));

        assertThat(second).containsExactly(new Add("d1", DnsRecord.of(NAME, ONE, 60), "passed 2 health checks in a row"));
        assertThat(world.addresses()).containsExactlyInAnyOrder(ONE, TWO);
    }

    @Test
    void aDropletThatFlapsNeverMovesDns() {
        World world = new World(ONE, TWO);

        for (int round = 0; round < 20; round++) {
            boolean up = round % 2 == 0;
            assertThat(world.round(new DropletCheck("d1", List.of(ONE), up), passed("d2", TWO))).isEmpty();
        }
        assertThat(world.addresses()).containsExactly(ONE, TWO);
    }

    @Test
    void theFirstRoundTakesWhatDnsPublishesAsTheBaseline() {
        World world = new World(ONE);

        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).isEmpty();

        assertThat(world.state.droplets()).containsEntry("d1", new DropletStreak(true, 0, 1))
                .containsEntry("d2", new DropletStreak(false, 1, 0));
    }

    @Test
    void aHealthyDropletMissingFromDnsAtStartIsAddedOnceItHasPassedEnoughChecks() {
        World world = new World(ONE);

        world.round(passed("d1", ONE), passed("d2", TWO));
        assertThat(world.addresses()).containsExactly(ONE);
        world.round(passed("d1", ONE), passed("d2", TWO));

        assertThat(world.addresses()).containsExactly(ONE, TWO);
    }

    @Test
    void twoOfThreeDropletsFailingTogetherAreBothRemoved() {
        World world = new World(ONE, TWO, THREE);

        world.round(failed("d1", ONE), failed("d2", TWO), passed("d3", THREE));
        List<DnsDecision> second = world.round(failed("d1", ONE), failed("d2", TWO), passed("d3", THREE));

        assertThat(second).extracting(d -> ((Remove) d).droplet()).containsExactly("d1", "d2");
        assertThat(world.addresses()).containsExactly(THREE);
    }

    @Test
    void theLastRecordOfASingleDropletIsNeverRemoved() {
        World world = new World(ONE);
        List<DnsDecision> told = new ArrayList<>();

        for (int round = 0; round < 10; round++) {
            told.addAll(world.round(failed("d1", ONE)));
        }

        assertThat(world.addresses()).containsExactly(ONE);
        assertThat(told).hasSize(1).first().isInstanceOf(AllDown.class);
    }

    @Test
    void aDownDropletIsKeptWhileNoOtherPublishedDropletPassesItsCheckAndThatIsToldOnce() {
        World world = new World(ONE, TWO);
        world.round(failed("d1", ONE), passed("d2", TWO));

        // d2 is still up (one failure) but failed this round: removing d1 would leave no record of a
        // droplet that passed.
        List<DnsDecision> second = world.round(failed("d1", ONE), failed("d2", TWO));
        assertThat(second).singleElement().isInstanceOfSatisfying(KeepLastHealthy.class, kept -> {
            assertThat(kept.droplet()).isEqualTo("d1");
            assertThat(kept.reason()).contains("failed 2 health checks in a row", "no A record");
        });
        assertThat(world.addresses()).containsExactly(ONE, TWO);

        List<DnsDecision> third = world.round(failed("d1", ONE), passed("d2", TWO));
        assertThat(third).singleElement().isInstanceOf(Remove.class);
        assertThat(world.state.held()).isEmpty();
    }

    @Test
    void aKeptRecordIsToldOnceNotEveryRound() {
        World world = new World(ONE, ONE_V6, TWO);
        List<DnsDecision> told = new ArrayList<>();

        for (int round = 0; round < 6; round++) {
            told.addAll(world.round(failed("d1", ONE, ONE_V6), passed("d2", TWO)));
        }

        assertThat(told).filteredOn(KeepLastHealthy.class::isInstance).hasSize(1);
    }

    @Test
    void whenEveryDropletIsDownNothingIsRemovedTheAlertIsRaisedOnceAndTheRecoveryIsTold() {
        World world = new World(ONE, TWO, THREE);
        List<DnsDecision> told = new ArrayList<>();

        for (int round = 0; round < 6; round++) {
            told.addAll(world.round(failed("d1", ONE), failed("d2", TWO), failed("d3", THREE)));
        }
        assertThat(world.addresses()).containsExactly(ONE, TWO, THREE);
        assertThat(told).singleElement().isInstanceOfSatisfying(AllDown.class, alert -> {
            assertThat(alert.droplets()).containsExactly("d1", "d2", "d3");
            assertThat(alert.kept()).extracting(DnsRecord::address).containsExactly(ONE, TWO, THREE);
        });

        assertThat(world.round(failed("d1", ONE), passed("d2", TWO), failed("d3", THREE))).isEmpty();
        List<DnsDecision> back = world.round(failed("d1", ONE), passed("d2", TWO), failed("d3", THREE));

        assertThat(back).first().isEqualTo(new Recovered(NAME, List.of("d2")));
        assertThat(back).filteredOn(Remove.class::isInstance).hasSize(2);
        assertThat(world.addresses()).containsExactly(TWO);
        assertThat(world.state.allDown()).isFalse();
    }

    @Test
    void aSinglePassedCheckDuringAnOutageRaisesNeitherARecoveryNorASecondAlert() {
        World world = new World(ONE, TWO);
        List<DnsDecision> told = new ArrayList<>();

        for (int round = 0; round < 8; round++) {
            told.addAll(world.round(new DropletCheck("d1", List.of(ONE), round == 4), failed("d2", TWO)));
        }

        assertThat(told).singleElement().isInstanceOf(AllDown.class);
    }

    @Test
    void healthyDropletsWaitingForTheirPassesAtStartAreNoOutage() {
        World world = new World();

        assertThat(world.round(passed("d1", ONE), passed("d2", TWO))).isEmpty();
        assertThat(world.round(passed("d1", ONE), passed("d2", TWO))).hasOnlyElementsOfType(Add.class).hasSize(2);
    }

    @Test
    void anAddressThatBelongsToNoDropletIsLeftAloneAndReported() {
        World world = new World(ONE, "198.51.100.7");

        world.round(passed("d1", ONE));
        world.round(passed("d1", ONE));

        assertThat(world.addresses()).containsExactly(ONE, "198.51.100.7");
        assertThat(world.last.unmanaged()).containsExactly(DnsRecord.of(NAME, "198.51.100.7", 300));
    }

    @Test
    void anAddressThatBelongsToNoDropletDoesNotCountAsHealthy() {
        World world = new World(ONE, "198.51.100.7");

        world.round(failed("d1", ONE));
        world.round(failed("d1", ONE));

        assertThat(world.addresses()).contains(ONE);
    }

    @Test
    void aDropletsIpv6AddressFollowsItsIpv4OneOutAndBackIn() {
        World world = new World(ONE, ONE_V6, TWO, "2001:db8::2");

        world.round(failed("d1", ONE, ONE_V6), passed("d2", TWO, "2001:db8::2"));
        List<DnsDecision> out = world.round(failed("d1", ONE, ONE_V6), passed("d2", TWO, "2001:db8::2"));
        assertThat(out).extracting(d -> ((Remove) d).record().type())
                .containsExactlyInAnyOrder(DnsRecord.Type.A, DnsRecord.Type.AAAA);

        world.round(passed("d1", ONE, ONE_V6), passed("d2", TWO, "2001:db8::2"));
        List<DnsDecision> in = world.round(passed("d1", ONE, ONE_V6), passed("d2", TWO, "2001:db8::2"));
        assertThat(in).extracting(d -> ((Add) d).record())
                .containsExactly(DnsRecord.of(NAME, ONE, 60), new DnsRecord(NAME, DnsRecord.Type.AAAA, ONE_V6, 60));
    }

    @Test
    void theLastAaaaRecordIsKeptEvenWhenAnotherDropletServesIpv4() {
        World world = new World(ONE, ONE_V6, TWO);

        world.round(failed("d1", ONE, ONE_V6), passed("d2", TWO));
        List<DnsDecision> second = world.round(failed("d1", ONE, ONE_V6), passed("d2", TWO));

        assertThat(second).extracting(DnsDecision::kind).containsExactly("dns_removed", "dns_kept_last_healthy");
        assertThat(world.addresses()).containsExactly(ONE_V6, TWO);
    }

    @Test
    void addsComeBeforeTheRemovalsTheyMakeSafe() {
        World world = new World(ONE);
        world.round(failed("d1", ONE), passed("d2", TWO));

        List<DnsDecision> second = world.round(failed("d1", ONE), passed("d2", TWO));

        assertThat(second).extracting(DnsDecision::kind).containsExactly("dns_added", "dns_removed");
        assertThat(world.addresses()).containsExactly(TWO);
    }

    @Test
    void aChangeThatWasNotMadeIsDecidedAgainNextRound() {
        World world = new World(ONE, TWO);
        world.applyChanges = false;
        world.round(failed("d1", ONE), passed("d2", TWO));
        world.round(failed("d1", ONE), passed("d2", TWO));

        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).singleElement().isInstanceOf(Remove.class);
    }

    @Test
    void anUpDropletWhoseRecordWasDeletedByHandIsAddedBackWhenItPasses() {
        World world = new World(ONE, TWO);
        world.round(passed("d1", ONE), passed("d2", TWO));
        world.published.removeIf(r -> r.address().equals(ONE));

        assertThat(world.round(failed("d1", ONE), passed("d2", TWO))).isEmpty();
        assertThat(world.round(passed("d1", ONE), passed("d2", TWO))).singleElement().isInstanceOfSatisfying(Add.class,
                add -> assertThat(add.reason()).contains("missing from DNS"));
    }

    @Test
    void aDropletNoLongerCheckedIsForgottenAndItsRecordLeftAlone() {
        World world = new World(ONE, TWO);
        world.round(failed("d1", ONE), passed("d2", TWO));

        world.round(passed("d2", TWO));
        world.round(passed("d2", TWO));

        assertThat(world.state.droplets()).containsOnlyKeys("d2");
        assertThat(world.addresses()).containsExactly(ONE, TWO);
    }

    @Test
    void addressesAreComparedInCanonicalForm() {
        World world = new World("2001:DB8:0:0:0:0:0:1");

        world.round(passed("d1", "2001:db8::1"));

        assertThat(world.last.unmanaged()).isEmpty();
        assertThat(world.last.decisions()).isEmpty();
    }

    @Test
    void anAddressGivenToTwoDropletsIsACallersMistake() {
        assertThatThrownBy(() -> failover.round(FailoverState.initial(),
                List.of(passed("d1", ONE), passed("d2", ONE)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to both d1 and d2");
    }

    @Test
    void noDropletsMeansNothingToDecide() {
        FailoverRound round = failover.round(FailoverState.initial(), List.of(), List.of(DnsRecord.of(NAME, ONE, 60)));

        assertThat(round.decisions()).isEmpty();
        assertThat(round.unmanaged()).hasSize(1);
    }

    @Test
    void decisionsReadAsOneLineForPeople() {
        World world = new World(ONE, TWO);
        world.round(failed("d1", ONE), passed("d2", TWO));
        DnsDecision removal = world.round(failed("d1", ONE), passed("d2", TWO)).getFirst();
        world.round(failed("d2", TWO));
        DnsDecision alert = world.round(failed("d2", TWO)).getFirst();

        assertThat(removal.text()).isEqualTo(
                "fleet: removed www.example.test. 300 A 192.0.2.1 (d1): failed 2 health checks in a row");
        assertThat(alert.text()).isEqualTo(
                "fleet: every droplet behind www.example.test. is down (d2); its 1 record(s) are kept");
        assertThat(alert.kind()).isEqualTo("dns_all_down");
    }

    @Test
    void thresholdsAreAtLeastOne() {
        assertThatThrownBy(() -> new DnsFailover(NAME, 60, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
