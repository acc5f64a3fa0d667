package dev.fleet.desired;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteCountsTest {

    @Test
    void sizesReadAsAPersonWritesThem() {
        assertThat(ByteCounts.text(1024 * 1024)).isEqualTo("1 MiB");
        assertThat(ByteCounts.text(4096)).isEqualTo("4 KiB");
        assertThat(ByteCounts.text(1000)).isEqualTo("1000 bytes");
        assertThat(ByteCounts.text(64 * 1024)).isEqualTo("64 KiB");
    }
}
