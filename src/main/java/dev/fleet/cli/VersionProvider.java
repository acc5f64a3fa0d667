package dev.fleet.cli;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.IVersionProvider;

/**
 * Prints {@code fleet <version>}. The version is the project version, which Quarkus records at
 * build time as {@code quarkus.application.version}; unlike the jar manifest, that is also there
 * in a native executable.
 */
@Singleton
class VersionProvider implements IVersionProvider {

    private final String version;

    VersionProvider(@ConfigProperty(name = "quarkus.application.version") String version) {
        this.version = version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"fleet " + version};
    }
}
