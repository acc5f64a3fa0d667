package dev.fleet.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleet.desired.OnFailure;
import dev.fleet.desired.RolloutPolicy;
import dev.fleet.desired.RolloutStrategy;
import dev.fleet.desired.WaveSize;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WavesTest {

    @Test
    void sharesAreOfTheDropletsTheApplyMovesRoundedUpAndTheLastWaveTakesWhatIsLeft() {
        Waves waves = Waves.of(policy(3, WaveSize.droplets(1), WaveSize.share(30), WaveSize.share(100)), 10, 0);

        assertThat(waves.sizes()).containsExactly(1, 3, 6);
        assertThat(waves.parallel()).isEqualTo(3);
        assertThat(waves.split(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))
                .containsExactly(List.of(1), List.of(2, 3, 4), List.of(5, 6, 7, 8, 9, 10));
    }

    @Test
    void theLastSizeRepeatsUntilEveryDropletIsInAWave() {
        assertThat(Waves.of(policy(2, WaveSize.droplets(1), WaveSize.droplets(2)), 6, 0).sizes())
                .containsExactly(1, 2, 2, 1);
        assertThat(Waves.of(policy(2, WaveSize.share(25)), 10, 0).sizes()).containsExactly(3, 3, 3, 1);
    }

    @Test
    void wavesLargerThanTheApplyAreCutToIt() {
        assertThat(Waves.of(policy(2, WaveSize.droplets(5), WaveSize.share(100)), 2, 0).sizes()).containsExactly(2);
        assertThat(Waves.of(policy(2, WaveSize.share(1)), 3, 0).sizes()).containsExactly(1, 1, 1);
    }

    @Test
    void dropletsAlreadyOutOfRotationCountAgainstTheBudget() {
        assertThat(Waves.of(policy(3, WaveSize.share(100)), 8, 2).parallel()).isEqualTo(1);
        assertThat(Waves.of(policy(3, WaveSize.share(100)), 8, 1).parallel()).isEqualTo(2);
    }

    @Test
    void withoutWavesEveryDropletIsAWaveOfItsOwn() {
        Waves waves = Waves.of(new RolloutPolicy(3, true, Duration.ZERO, Duration.ofSeconds(60)), 3, 0);

        assertThat(waves.sizes()).containsExactly(1, 1, 1);
        assertThat(waves.parallel()).isEqualTo(1);
        assertThat(waves.sequential()).isTrue();
    }

    @Test
    void wavesMustCoverThePlansDropletsExactly() {
        assertThatThrownBy(() -> Waves.oneAtATime(2).split(List.of("d1", "d2", "d3")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static RolloutPolicy policy(int maxUnavailable, WaveSize... waves) {
        return new RolloutPolicy(maxUnavailable, true, Duration.ZERO, Duration.ofSeconds(60),
                RolloutStrategy.DRAIN_AND_SWAP, 3, List.of(waves), OnFailure.REVERT);
    }
}
