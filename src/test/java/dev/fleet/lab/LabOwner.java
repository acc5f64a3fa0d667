package dev.fleet.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;

/**
 * This JVM as the owner of the labs it starts, and its reaper: a container, started once per JVM
 * from the lab's base image, that waits for this process to end and then removes every container,
 * volume and network labelled {@value #LABEL} with its id. Testcontainers' own reaper (Ryuk) cannot
 * run here (its image cannot be pulled); this one needs nothing but the lab's images, and it acts
 * however the JVM ended: a failed test, a kill -9, an interrupted build.
 *
 * <p>The owner id is the process id and its start time (in clock ticks since boot), so that a pid
 * the kernel reuses is another owner.
 */
final class LabOwner {

    static final String LABEL = "fleet.lab.owner";

    private static final String REAPER_LABEL = "fleet.lab.reaper";
    /** Runs in the reaper: waits until the owner is gone, then asks the engine to remove what it owned. */
    private static final String REAPER_SCRIPT = """
            pid=$1 start=$2 owner=$3 sock=/var/run/docker.sock
            while [ "$(awk '{print $22}' /proc/$pid/stat 2>/dev/null)" = "$start" ]; do sleep 1; done
            filter=$(printf '%%7B%%22label%%22%%3A%%5B%%22fleet.lab.owner%%3D%s%%22%%5D%%7D' "$owner")
            ids() { curl -s -m 30 --unix-socket $sock "http://engine/$1?all=1&filters=$filter" \\
              | grep -o "\\"$2\\":\\"[^\\"]*\\"" | cut -d'"' -f4; }
            for id in $(ids containers/json Id); do
              curl -s -m 60 -X DELETE --unix-socket $sock "http://engine/containers/$id?force=1&v=1" >/dev/null
            done
            for name in $(ids volumes Name); do
              curl -s -m 30 -X DELETE --unix-socket $sock "http://engine/volumes/$name?force=1" >/dev/null
            done
            for id in $(ids networks Id); do
              curl -s -m 30 -X DELETE --unix-socket $sock "http://engine/networks/$id" >/dev/null
            done
            """;

    private static final String ID = ownerId();
    private static boolean reaping;

    private LabOwner() {}

    static String id() {
        return ID;
    }

    /** Starts this JVM's reaper, once; a lab must not start without it. */
    static synchronized void reaper() {
        if (reaping) {
            return;
        }
        String[] owner = ID.split("-");
        Lab.CommandResult started = Lab.run(List.of(Lab.docker(), "run", "-d", "--rm", "--pid=host",
                "--name", "fleet-lab-reaper-" + ID, "--label", REAPER_LABEL + "=" + ID,
                "-v", "/var/run/docker.sock:/var/run/docker.sock", "--network", "none",
                "--entrypoint", "sh", LabImages.build().base(), "-c", REAPER_SCRIPT, "reaper", owner[0], owner[1], ID),
                Map.of());
        if (!started.succeeded()) {
            throw new IllegalStateException("the lab's reaper did not start, so a killed test would leave its lab"
                    + " running: " + started.output());
        }
        reaping = true;
    }

    /** Removes every container (with its anonymous volumes), volume and network that carries {@code label}. */
    static void removeLabelled(String label) {
        DockerClient docker = DockerClientFactory.instance().client();
        List<String> labels = List.of(label);
        for (Container container : docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
            try {
                docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException e) {
                // gone already
            }
        }
        var volumes = docker.listVolumesCmd().withFilter("label", labels).exec().getVolumes();
        for (var volume : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            try {
                docker.removeVolumeCmd(volume.getName()).exec();
            } catch (RuntimeException e) {
                // gone already
            }
        }
        for (Network network : docker.listNetworksCmd().withFilter("label", labels).exec()) {
            try {
                docker.removeNetworkCmd(network.getId()).exec();
            } catch (RuntimeException e) {
                // gone already
            }
        }
    }

    private static String ownerId() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name, in parentheses, may hold spaces: count the fields after it.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return ProcessHandle.current().pid() + "-" + after[19];
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/self/stat", e);
        }
    }
}
