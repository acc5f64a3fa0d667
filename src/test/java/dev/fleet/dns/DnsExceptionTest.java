package dev.fleet.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleet.dns.DnsException.Reason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DnsExceptionTest {

    @Test
    void failuresThatPassByThemselvesAreTransientAndRefusalsAreNot() {
        assertThat(Arrays.stream(Reason.values()).filter(r -> new DnsException(r, "m").isTransient()))
                .containsExactlyInAnyOrder(Reason.UNREACHABLE, Reason.TIMEOUT, Reason.RATE_LIMITED, Reason.SERVER_ERROR);
    }

    @Test
    void itIsAnIoExceptionForCallersThatDoNotCareWhy() {
        assertThat(new DnsException(Reason.REJECTED, "m")).isInstanceOf(java.io.IOException.class);
    }
}
