package dev.fleet.streams;

import dev.fleet.desired.DesiredState;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.ServiceSpec;
import java.util.List;

/** The streams of a service's containers: a command run in one, and their logs. */
public interface ContainerStreams {

    /**
     * Runs {@code request}'s command in {@code service}'s running container on {@code droplet}, its
     * input and output connected to the request's, and returns its exit code (0 to 255).
     *
     * @throws StreamException when the droplet could not be reached, or has no running container of
     *                         the service
     */
    int exec(DesiredState state, DropletSpec droplet, ServiceSpec service, ExecRequest request) throws StreamException;

    /**
     * Sends the logs of {@code service}'s container on each of {@code droplets}, all at once, to
     * {@code sink}, line by line. Without {@code query.follow()}, returns when every droplet's logs
     * are sent; with it, follows them until interrupted.
     *
     * @return whether every droplet could be read (the others' lines were sent all the same)
     */
    boolean logs(DesiredState state, List<DropletSpec> droplets, ServiceSpec service, LogQuery query, LogSink sink)
            throws InterruptedException;
}
