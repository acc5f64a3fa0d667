package dev.fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StateHomeTest {

    @ParameterizedTest
    @ValueSource(strings = {"status.example.com", "status.example.com.", "fleet-1", "10.0.0.5", "[fd00::5]", "fd00::5"})
    void anAllowedHostIsAHostNameOrAnAddress(String name) {
        assertThat(StateHome.allowedHosts(List.of(name))).containsExactly(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://status.example.com", "status.example.com:8089", "status.example.com/", "*", "",
        "cafe:8089", "a b"})
    void anythingElseIsRefusedWithTheRightForm(String name) {
        assertThatThrownBy(() -> StateHome.allowedHosts(List.of(name))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--allowed-host takes a host name or address, such as status.example.com, without scheme"
                        + " or port, not '" + name + "'");
    }
}
