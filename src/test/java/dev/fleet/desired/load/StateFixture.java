package dev.fleet.desired.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.Revision;
import dev.fleet.desired.StateProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder that has what test state files refer to, so that only a file's intended mistake is
 * wrong: {@code id_ed25519} and {@code known_hosts} beside the state, {@code home/.ssh/fleet_ed25519}
 * with {@code HOME} pointing at {@code home}, and {@code secrets/session-key}; plus an environment
 * with the variables the files use. The "keys" are stubs: fleet only checks that they exist and
 * that only their owner can open them (mode 0600), as ssh does.
 */
public final class StateFixture {

    public static final String API_TOKEN = "sentinel-env-secret-7Hq2";
    public static final String REGISTRY_PASSWORD = "sentinel-registry-password-Vx9";
    public static final String SESSION_KEY = "sentinel-file-secret-K3p";

    public final Path dir;
    public final Map<String, String> env = new HashMap<>();

    public StateFixture(Path dir) {
        this.dir = dir;
        try {
            ownerOnly(Files.writeString(dir.resolve("id_ed25519"), "stub, not a key\n"));
            Files.writeString(dir.resolve("known_hosts"), "10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStub\n");
            Path ssh = Files.createDirectories(dir.resolve("home/.ssh"));
            ownerOnly(Files.writeString(ssh.resolve("fleet_ed25519"), "stub, not a key\n"));
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Files.writeString(secrets.resolve("session-key"), SESSION_KEY + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        env.put("HOME", dir.resolve("home").toString());
        env.put("FLEET_SECRET_API_TOKEN", API_TOKEN);
        env.put("FLEET_SECRET_REGISTRY_PASSWORD", REGISTRY_PASSWORD);
        env.put("FLEET_POWERDNS_API", "http://127.0.0.1:8081");
    }

    /** A loader over this environment; the revision is a fixed commit. */
    public StateLoader loader() {
        return new StateLoader(env, file -> Revision.notInGit());
    }

    /** The problems the loader reports for {@code yaml} as {@code fleet.yaml}; the test fails if it loads. */
    public List<StateProblem> problems(String yaml) {
        Path file = write("fleet.yaml", yaml);
        InvalidStateException e = catchThrowableOfType(InvalidStateException.class, () -> loader().load(file));
        assertThat(e).as("the state must be refused:\n%s", yaml).isNotNull();
        return e.problems();
    }

    /** The one problem the loader reports for {@code yaml}; the test fails if there are more or none. */
    public StateProblem single(String yaml) {
        List<StateProblem> problems = problems(yaml);
        assertThat(problems).as(problems.toString()).hasSize(1);
        return problems.getFirst();
    }

    /** Copies {@code source} into the folder under {@code name} and returns the copy. */
    public Path copy(Path source, String name) {
        try {
            return Files.copy(source, dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mode 0600: fleet refuses a private key that group or others can open. */
    public static Path ownerOnly(Path file) {
        try {
            return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path resource(String name) {
        try {
            return Path.of(StateFixture.class.getResource("/states/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("no test resource states/" + name, e);
        }
    }
}
