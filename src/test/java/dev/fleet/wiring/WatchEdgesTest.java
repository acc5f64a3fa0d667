package dev.fleet.wiring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchEdgesTest {

    @TempDir
    Path temp;

    @Test
    void aRepositoryUrlHoldingAPasswordIsRefusedWithoutSayingIt() {
        WatchEdges edges = new WatchEdges(null, Clock.systemUTC(), "test");

        for (String url : new String[] {"https://deploy:sentinel-token-7Rf@git.example.test/state.git",
                "ssh://deploy:sentinel-token-7Rf@git.example.test/state.git"}) {
            assertThatThrownBy(() -> edges.repository(url, "main", "fleet.yaml", temp, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--repo holds a password in its URL")
                    .hasMessageNotContaining("sentinel-token-7Rf");
        }
    }
}
