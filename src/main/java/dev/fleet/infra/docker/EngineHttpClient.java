package dev.fleet.infra.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.SshChannel;
import dev.fleet.infra.ssh.SshConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.DetachedSocketFactory;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jboss.logging.Logger;

/**
 * docker-java's transport over SSH: the Engine API's HTTP/1.1 over SSH channels to the droplet's
 * Docker engine, opened by an {@link EngineDialer}: channels straight to the engine's socket
 * ({@code direct-streamlocal}) when the droplet's sshd allows them, otherwise channels running
 * {@code docker system dial-stdio}, the way the docker CLI reaches {@code ssh://} hosts. Each pooled
 * HTTP connection is one channel, kept open for reuse.
 *
 * <ul>
 *   <li>At most {@value #MAX_CHANNELS} channels: OpenSSH allows 10 sessions per connection, and the
 *       health probe's port forwards need some of the rest. Calls beyond that wait for a free one,
 *       for at most the call timeout. (Streamlocal channels are not sessions, but the bound stays:
 *       the droplet's sshd and dockerd serve each one.)
 *   <li>Automatic retries are off: a create or a start must never be replayed behind our back.
 *   <li>No stale-connection check (it would read from an idle pipe); SSH keep-alives and the
 *       timeouts tell a dead droplet instead.
 *   <li>The call timeout bounds the wait for each answer (httpclient's response timeout), and so a
 *       streaming answer may pause at most that long.
 *   <li>Attaching to a container (hijacked streams) is not supported here: {@link EngineStream} does
 *       it, on a channel of its own.
 * </ul>
 *
 * <p>Thread-safe. Closing it closes every channel it opened, not the SSH connection.
 */
final class EngineHttpClient implements DockerHttpClient {

    static final int MAX_CHANNELS = 8;
    static final String DIAL_STDIO = "docker system dial-stdio";

    private static final Logger LOG = Logger.getLogger(EngineHttpClient.class);

    // The docker CLI's name for the engine behind a socket; the engine ignores the Host header.
    private static final HttpHost ENGINE = new HttpHost("http", "api.moby.localhost", 80);

    private final SshConnection ssh;
    private final EngineDialer<SshChannel> dialer;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private volatile String lastDialStdioError;

    EngineHttpClient(SshConnection ssh, Duration callTimeout) {
        if (QuietLoggers.silenced == null) {
            QuietLoggers.silenced = QuietLoggers.silence("org.apache.hc.client5.http.wire",
                    "org.apache.hc.client5.http.headers");
        }
        this.ssh = ssh;
        this.dialer = new EngineDialer<>(() -> ssh.streamLocal(EngineDialer.ENGINE_SOCKET), () -> ssh.exec(DIAL_STDIO),
                chosen -> LOG.debugf("Reached the Docker engine on %s through %s", ssh.address(), chosen.description()));
        DetachedSocketFactory channels = this::newSocket;
        var operator = new DefaultHttpClientConnectionOperator(channels, null, new NoDns(),
                RegistryBuilder.<TlsSocketStrategy>create().build());
        this.pool = new PoolingHttpClientConnectionManager(operator, PoolConcurrencyPolicy.STRICT,
                PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND, ManagedHttpClientConnectionFactory.INSTANCE);
        pool.setMaxTotal(MAX_CHANNELS);
        pool.setDefaultMaxPerRoute(MAX_CHANNELS);
        Timeout timeout = Timeout.of(callTimeout);
        pool.setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(timeout)
                .setSocketTimeout(timeout)
                .setValidateAfterInactivity(TimeValue.NEG_ONE_MILLISECOND)
                .build());
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout)
                        .setRedirectsEnabled(false)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent("fleet")
                .build();
    }

    /**
     * Sends one request to the droplet's Docker engine.
     *
     * @throws UncheckedIOException when the engine could not be reached or did not answer in time
     *     (docker-java's interface has no checked exceptions); the cause is the original failure
     */
    @Override
    public Response execute(Request request) {
        if (request.hijackedInput() != null) {
            throw new UnsupportedOperationException("attaching to a container is not supported over SSH");
        }
        ClassicHttpRequest outgoing = new BasicClassicHttpRequest(request.method(), ENGINE, request.path());
        request.headers().forEach(outgoing::addHeader);
        byte[] bytes = request.bodyBytes();
        InputStream body = bytes == null ? request.body() : null;
        if (bytes != null) {
            outgoing.setEntity(new ByteArrayEntity(bytes, null));
        } else if (body != null) {
            outgoing.setEntity(new InputStreamEntity(body, -1, null));
        }
        try {
            return new EngineResponse(http.executeOpen(ENGINE, outgoing, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A channel of its own to the engine, outside the pool and its timeouts, for a stream that lasts
     * as long as the user wants: an exec, or logs followed. Its owner closes it.
     */
    SshChannel openChannel() throws DropletException {
        return dialer.open();
    }

    /** What dial-stdio last wrote on stderr on any channel, if anything: why a pipe broke. */
    Optional<String> lastDialStdioError() {
        return Optional.ofNullable(lastDialStdioError);
    }

    /** The way this connection's channels reach the engine, once the first one decided it. */
    Optional<EngineDialer.Transport> transport() {
        return dialer.transport();
    }

    /** Channels open now, leased and idle. */
    PoolStats channels() {
        return pool.getTotalStats();
    }

    /** Closes every channel; calls still running fail. */
    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }

    private Socket newSocket(Proxy ignored) {
        return new EngineSocket(dialer::open, this::dialStdioSaid);
    }

    private void dialStdioSaid(String text) {
        lastDialStdioError = text;
        LOG.warnf("docker system dial-stdio on %s wrote: %s", ssh.address(), text);
    }

    /** Every connection goes through a channel, so no host name is ever looked up. */
    private static final class NoDns implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    private record EngineResponse(ClassicHttpResponse response) implements Response {

        @Override
        public int getStatusCode() {
            return response.getCode();
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Header header : response.getHeaders()) {
                headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
            }
            return headers;
        }

        @Override
        public InputStream getBody() {
            HttpEntity entity = response.getEntity();
            if (entity == null) {
                return InputStream.nullInputStream();
            }
            try {
                return entity.getContent();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                response.close();
            } catch (IOException e) {
                LOG.debugf("Closing a Docker engine response failed: %s", e);
            }
        }
    }
}
