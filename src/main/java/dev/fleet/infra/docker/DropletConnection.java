package dev.fleet.infra.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.Durations;
import dev.fleet.desired.SshSettings;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshChannel;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.infra.ssh.SshConnector;
import dev.fleet.observed.UnreachableReason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything fleet holds open to one droplet: its SSH connection, and its Docker engine reached
 * through that connection (Engine API 1.41, Docker 20.10, what droplets run), over channels that
 * {@link EngineDialer} opens. One per droplet per run; closing it closes every channel and then the
 * SSH connection.
 *
 * <p>Thread-safe: Docker calls and port forwards may run from several threads at once.
 */
public final class DropletConnection implements Closeable {

    /** The Engine API version fleet speaks, fixed so a newer engine never changes an answer's shape. */
    public static final RemoteApiVersion API_VERSION = RemoteApiVersion.VERSION_1_41;

    private final SshConnection ssh;
    private final EngineHttpClient transport;
    private final DockerClient docker;
    private final ObjectMapper json;
    private final Duration callTimeout;

    /** The most of a container's inspect fleet reads: a few KiB is usual, and a droplet's answer is data to bound. */
    private static final int INSPECT_LIMIT = 4 * 1024 * 1024;

    /**
     * A container as the engine's inspect answers: docker-java's model of it, and the answer itself,
     * for the fields that model leaves out ({@code Config.StopTimeout}, {@code Config.StopSignal}).
     */
    public record Inspected(InspectContainerResponse response, JsonNode tree) {}

    private DropletConnection(SshConnection ssh, Duration callTimeout) {
        this.ssh = ssh;
        this.callTimeout = callTimeout;
        this.transport = new EngineHttpClient(ssh, callTimeout);
        var config = SharedClientConfig.get();
        this.docker = DockerClientImpl.getInstance(config, transport);
        this.json = config.getObjectMapper();
    }

    /** Connects to {@code droplet} over SSH; its Docker engine is reached lazily, on the first call. */
    public static DropletConnection open(SshConnector connector, DropletSpec droplet, SshSettings settings)
            throws DropletException {
        return over(connector.connect(droplet, settings), settings.commandTimeout());
    }

    /** Reaches the Docker engine through {@code ssh}, which the result then owns and closes. */
    public static DropletConnection over(SshConnection ssh, Duration callTimeout) {
        return new DropletConnection(ssh, callTimeout);
    }

    public SshConnection ssh() {
        return ssh;
    }

    /**
     * The droplet's Docker engine as docker-java sees it. Its calls throw unchecked exceptions; {@link
     * #call} turns them into {@link DropletException}s.
     */
    public DockerClient docker() {
        return docker;
    }

    /** A Docker call, such as {@code docker -> docker.listContainersCmd().exec()}. */
    @FunctionalInterface
    public interface DockerCall<T> {
        T run(DockerClient docker);
    }

    /**
     * Makes a Docker call and reports failure as a {@link DropletException}: TIMEOUT when the engine
     * did not answer within the call timeout (or every channel stayed busy that long), DOCKER when it
     * could not be reached or answered with an error, with dial-stdio's own words when it had any.
     *
     * @param what the call, for messages, such as {@code "listing containers"}
     */
    public <T> T call(String what, DockerCall<T> call) throws DropletException {
        try {
            return call.run(docker);
        } catch (DockerException e) {
            throw new DropletException(UnreachableReason.DOCKER, "the Docker engine on " + ssh.address()
                    + " answered " + e.getHttpStatus() + " to " + what + ": " + e.getMessage().strip(), e);
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    /**
     * The container {@code id} (or name) as the engine's inspect answers, or empty when there is no
     * such container. Asked over the same transport as every call, with its deadline; an answer
     * larger than {@value #INSPECT_LIMIT} bytes is refused.
     */
    public Optional<Inspected> inspectContainer(String id) throws DropletException {
        String what = "inspecting container " + id;
        var request = DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET)
                .path("/v" + API_VERSION.getVersion() + "/containers/" + id + "/json").build();
        try (DockerHttpClient.Response response = transport.execute(request)) {
            if (response.getStatusCode() == 404) {
                return Optional.empty();
            }
            byte[] body = response.getBody().readNBytes(INSPECT_LIMIT + 1);
            if (response.getStatusCode() != 200 || body.length > INSPECT_LIMIT) {
                throw new DropletException(UnreachableReason.DOCKER, "the Docker engine on " + ssh.address()
                        + " answered " + response.getStatusCode() + (body.length > INSPECT_LIMIT
                        ? " with more than " + INSPECT_LIMIT + " bytes" : "") + " to " + what);
            }
            JsonNode tree = json.readTree(body);
            return Optional.of(new Inspected(json.treeToValue(tree, InspectContainerResponse.class), tree));
        } catch (IOException e) {
            throw failure(what, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    /**
     * Sends one request on a channel of its own and returns its answer as a stream without deadline
     * (see {@link EngineStream}): for an exec's input and output, or logs followed.
     *
     * @param what for messages, such as {@code "starting the exec"}
     * @throws DropletException when the engine could not be reached or did not answer the head within
     *                          the call timeout
     */
    public EngineStream stream(String what, String method, String path, Optional<String> json, boolean upgrade)
            throws DropletException {
        SshChannel channel = transport.openChannel();
        try {
            return EngineStream.open(channel, method, path, json, upgrade, callTimeout);
        } catch (IOException e) {
            channel.abort();
            if (e instanceof InterruptedIOException) {
                throw new DropletException(UnreachableReason.TIMEOUT, "the Docker engine on " + ssh.address()
                        + " did not answer " + what + " within " + Durations.timeout(callTimeout), e);
            }
            throw new DropletException(UnreachableReason.DOCKER, "could not reach the Docker engine on "
                    + ssh.address() + " for " + what + ": " + describe(e), e);
        }
    }

    /** The longest one Docker call may take, as the state's {@code ssh.command-timeout} says. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * Disconnects, which ends every channel at once (sshd then closes their sockets, and ends their dial-stdio processes if any), and
     * releases the channels' pool. Disconnecting first costs one message, where closing channel by
     * channel would wait for each one's confirmation, or for the timeout if the droplet went silent.
     * Never fails.
     */
    @Override
    public void close() {
        ssh.close();
        try {
            docker.close();
        } catch (IOException | RuntimeException e) {
            // The transport's pool is released below either way.
        }
        transport.close();
    }

    /** For tests and diagnostics: the way to the engine, once the first call decided it. */
    Optional<EngineDialer.Transport> transport() {
        return transport.transport();
    }

    /** For tests and diagnostics: how many channels to the engine are open, leased and idle. */
    int openChannels() {
        var stats = transport.channels();
        return stats.getLeased() + stats.getAvailable();
    }

    private DropletException failure(String what, RuntimeException error) {
        // httpclient and docker-java wrap what the channel threw; the innermost cause that we know decides.
        DropletException droplet = cause(error, DropletException.class);
        if (droplet != null) {
            return new DropletException(droplet.reason(), what + ": " + droplet.getMessage(), error);
        }
        if (cause(error, InterruptedIOException.class) != null) {
            return new DropletException(UnreachableReason.TIMEOUT, "the Docker engine on " + ssh.address()
                    + " did not answer " + what + " within " + Durations.timeout(callTimeout), error);
        }
        IOException io = cause(error, IOException.class);
        String said = transport.lastDialStdioError().map(text -> "; docker system dial-stdio said: " + text).orElse("");
        return new DropletException(UnreachableReason.DOCKER, "could not reach the Docker engine on " + ssh.address()
                + " for " + what + ": " + describe(io != null ? io : error) + said, error);
    }

    private static <T extends Throwable> T cause(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String describe(Throwable error) {
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }
}
