package dev.fleet.infra.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerCountsTest {

    /** The first 51 columns of {@code show stat}, in the order HAProxy's management guide lists them. */
    private static final String HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,"
            + "eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,"
            + "lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,"
            + "hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt\n";

    /** A row of {@code backend/server} with econ, eresp and the six answer counters as given. */
    private static String row(String backend, String server, int econ, int eresp, int... answers) {
        String[] fields = new String[51];
        Arrays.fill(fields, "");
        fields[0] = backend;
        fields[1] = server;
        fields[13] = String.valueOf(econ);
        fields[14] = String.valueOf(eresp);
        fields[17] = "UP";
        for (int i = 0; i < 6; i++) {
            fields[39 + i] = String.valueOf(answers[i]);
        }
        return String.join(",", fields) + "\n";
    }

    @Test
    void requestsAreEveryAnswerAndEveryFailedConnectionAndFailuresAre5xxAndErrors() throws IOException {
        String csv = HEADER + row("droplets", "droplet-1", 2, 1, 0, 900, 3, 40, 50, 1)
                + row("droplets", "droplet-2", 0, 0, 0, 1000, 0, 0, 0, 0)
                + row("droplets", "BACKEND", 2, 1, 0, 1900, 3, 40, 50, 1)
                + row("other", "droplet-1", 9, 9, 9, 9, 9, 9, 9, 9);

        Map<String, ServerCounts> counts = ServerCounts.parse(csv, "droplets");

        assertThat(counts).containsOnlyKeys("droplet-1", "droplet-2");
        assertThat(counts.get("droplet-1")).isEqualTo(new ServerCounts(996, 53));
        assertThat(counts.get("droplet-2")).isEqualTo(new ServerCounts(1000, 0));
    }

    @Test
    void aTcpBackendWithoutAnswerCountersIsAClearError() {
        String csv = "# pxname,svname,scur,status,econ,eresp\ndroplets,droplet-1,0,UP,0,0\n";

        assertThatThrownBy(() -> ServerCounts.parse(csv, "droplets")).isInstanceOf(IOException.class)
                .hasMessageContaining("is the backend in mode http?");
    }
}
