package dev.fleet.infra.droplet.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.apply.HookMark;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HookRecordsTest {

    private static final String DIGEST = "sha256:" + "b".repeat(64);

    @Test
    void aLineFleetWroteIsReadBackAsItsMark() {
        assertThat(HookRecords.parse("kind=pre-deploy digest=" + DIGEST + " run=20261207-abc state=succeeded exit=0"
                + " at=1765000000")).contains(new HookMark("20261207-abc", HookMark.State.SUCCEEDED, Optional.of(0)));
        assertThat(HookRecords.parse("kind=post-deploy digest=" + DIGEST + " run=r1 state=started exit=none"
                + " at=1765000000")).contains(new HookMark("r1", HookMark.State.STARTED, Optional.empty()));
    }

    @Test
    void anythingElseTheDropletAnswersIsNoMark() {
        assertThat(HookRecords.parse("")).isEmpty();
        assertThat(HookRecords.parse("kind=pre-deploy digest=" + DIGEST + " run=r1 state=succeeded exit=0 at=1;"
                + " rm -rf /")).isEmpty();
        assertThat(HookRecords.parse("kind=migrate digest=" + DIGEST + " run=r1 state=succeeded exit=0 at=1")).isEmpty();
    }
}
