package dev.fleet.infra.docker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.core.SSLConfig;
import java.net.URI;

/**
 * The docker-java configuration every droplet's client shares in one run, with one JSON mapper.
 *
 * <p>docker-java's own configuration hands out a new copy of its mapper each time it is asked, and a
 * copy starts with empty caches: each droplet's client used to build Jackson's deserializers for
 * every answer type again (containers, inspects, images), twice, which cost CPU and about a MB per
 * droplet. A mapper is thread-safe once configured, so one serves every droplet; the configuration
 * itself (the Engine API version, a placeholder host) is the same for every droplet too.
 */
final class SharedClientConfig implements DockerClientConfig {

    private final DockerClientConfig config;
    private final ObjectMapper json;

    private SharedClientConfig(DockerClientConfig config) {
        this.config = config;
        this.json = config.getObjectMapper();
    }

    /** The one configuration of this run, made on first use. */
    static SharedClientConfig get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        // The host is only a placeholder: every request goes through a dial-stdio channel, which
        // reaches the engine's socket on the droplet.
        static final SharedClientConfig INSTANCE = new SharedClientConfig(new DefaultDockerClientConfig.Builder()
                .withDockerHost("unix:///var/run/docker.sock")
                .withApiVersion(DropletConnection.API_VERSION)
                .build());
    }

    @Override
    public ObjectMapper getObjectMapper() {
        return json;
    }

    @Override
    public URI getDockerHost() {
        return config.getDockerHost();
    }

    @Override
    public RemoteApiVersion getApiVersion() {
        return config.getApiVersion();
    }

    @Override
    public String getRegistryUsername() {
        return config.getRegistryUsername();
    }

    @Override
    public String getRegistryPassword() {
        return config.getRegistryPassword();
    }

    @Override
    public String getRegistryEmail() {
        return config.getRegistryEmail();
    }

    @Override
    public String getRegistryUrl() {
        return config.getRegistryUrl();
    }

    @Override
    public AuthConfig effectiveAuthConfig(String imageName) {
        return config.effectiveAuthConfig(imageName);
    }

    @Override
    public AuthConfigurations getAuthConfigurations() {
        return config.getAuthConfigurations();
    }

    @Override
    public SSLConfig getSSLConfig() {
        return config.getSSLConfig();
    }
}
