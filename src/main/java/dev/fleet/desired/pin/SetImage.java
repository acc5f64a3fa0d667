package dev.fleet.desired.pin;

import dev.fleet.desired.ImageRef;
import dev.fleet.desired.InvalidStateException;
import dev.fleet.desired.RegistryCredentials;
import dev.fleet.desired.load.ImageLine;
import dev.fleet.desired.load.RegistryLogin;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code fleet set-image}: pins the state file's image to a digest, the one a tag names now or one
 * given, by rewriting that one value in the file, and commits the file if asked.
 *
 * <p>Everything that can refuse runs before the file is touched: the image is parsed, the file read
 * and its image line found, a dirty file refused for {@code --commit}, the digest resolved and the
 * edited text checked. Then the file is replaced atomically, then committed. Only a failing commit
 * can leave the file written and not committed, and its message says so.
 */
public final class SetImage {

    /**
     * What to set.
     *
     * @param file           the state file
     * @param image          the image as given: {@code repo:tag} or {@code repo@sha256:...}
     * @param droplet        a droplet whose own {@code image:} to set; empty for {@code service.image}
     * @param commit         whether to commit the file afterwards
     * @param allowPlainHttp whether the registry may be reached over plain http on another machine
     */
    public record Request(Path file, String image, Optional<String> droplet, boolean commit, boolean allowPlainHttp) {}

    /** What became of the image line. */
    public sealed interface Outcome {

        /** The line before. */
        ImageLine line();

        /** The image as given. */
        ImageName image();

        /** What the line says now. */
        ImageRef pinned();

        /** The line was rewritten, and committed when {@code commit} (short id and author) is there. */
        record Changed(ImageLine line, ImageName image, ImageRef pinned, Optional<String> commit) implements Outcome {}

        /** The line already said this; nothing was written or committed. */
        record Already(ImageLine line, ImageName image, ImageRef pinned) implements Outcome {}
    }

    private final RegistryLogin login;
    private final DigestResolver resolver;
    private final StateFiles files;
    private final Predicate<String> plainHttpRegistries;

    public SetImage(RegistryLogin login, DigestResolver resolver, StateFiles files) {
        this(login, resolver, files, registry -> false);
    }

    /**
     * @param plainHttpRegistries the registries ({@code host[:port]}) that may be asked over plain http
     *                            without the request saying so ({@link PlainHttpRegistries})
     */
    public SetImage(RegistryLogin login, DigestResolver resolver, StateFiles files,
            Predicate<String> plainHttpRegistries) {
        this.login = Objects.requireNonNull(login, "login");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.files = Objects.requireNonNull(files, "files");
        this.plainHttpRegistries = Objects.requireNonNull(plainHttpRegistries, "plainHttpRegistries");
    }

    /**
     * {@code image} by digest: as given when it names one, else the digest its tag names now. For a
     * state that does not exist yet ({@code fleet init}).
     *
     * @param login the credentials for the image's registry, if any
     */
    public ImageRef pin(String image, Optional<RegistryCredentials> login, boolean allowPlainHttp)
            throws ImagePinException, InterruptedException {
        ImageName name = ImageName.parse(image);
        return name.at(name.digest().isPresent() ? name.digest().get()
                : resolver.digestOf(name, login, allowPlainHttp || plainHttpRegistries.test(name.registry())));
    }

    /**
     * Sets the image; idempotent: a second run with the same digest changes nothing.
     *
     * @throws ImagePinException     for a bad image, a registry that gives no digest, a dirty file with
     *                               {@code commit}, or a failed write or commit
     * @throws InvalidStateException when the state file is broken where set-image reads it, with positions
     */
    public Outcome run(Request request) throws ImagePinException, InvalidStateException, InterruptedException {
        ImageName image = ImageName.parse(request.image());
        ImageLine line = ImageLine.find(request.file(), request.droplet());
        if (request.commit() && files.hasUncommittedChanges(request.file())) {
            throw new ImagePinException(ImagePinException.Reason.UNCOMMITTED_CHANGES, request.file()
                    + " has changes that are not committed; --commit would commit them along with the image",
                    "commit or discard them first (git diff -- " + request.file() + "), or leave out --commit");
        }
        String digest = image.digest().isPresent() ? image.digest().get()
                : resolver.digestOf(image, login.read(request.file(), image::isServedBy),
                        request.allowPlainHttp() || plainHttpRegistries.test(image.registry()));
        ImageRef pinned = image.at(digest);
        if (line.current().equals(pinned.reference())) {
            return new Outcome.Already(line, image, pinned);
        }
        String edited = line.replacedWith(pinned.reference());
        line.check(edited, pinned.reference());
        files.replace(request.file(), edited);
        if (!request.commit()) {
            return new Outcome.Changed(line, image, pinned, Optional.empty());
        }
        try {
            return new Outcome.Changed(line, image, pinned, Optional.of(files.commit(request.file(),
                    commitMessage(line, image, pinned))));
        } catch (ImagePinException e) {
            throw new ImagePinException(e.reason(), request.file() + " now holds " + pinned + ", but committing it"
                    + " failed: " + e.getMessage(), "commit it yourself (git commit -- " + request.file() + ")"
                    + (e.hint() == null ? "" : "; " + e.hint()));
        }
    }

    /** {@code set-image demo: registry.example.com/team/demo:v2 (sha256:4f53cda18c2b -> sha256:9b2a0c3e5d7f)}. */
    static String commitMessage(ImageLine line, ImageName image, ImageRef pinned) {
        return "set-image " + line.service().orElse("service") + line.droplet().map(d -> " on " + d).orElse("")
                + ": " + image + " (" + shortDigest(line.current()) + " -> sha256:" + pinned.shortDigest() + ")";
    }

    /** The short digest of a reference, or the reference itself when it has no valid digest. */
    public static String shortDigest(String reference) {
        String digest = reference.substring(reference.lastIndexOf('@') + 1);
        return ImageRef.DIGEST.matcher(digest).matches() ? "sha256:" + ImageRef.shortForm(digest) : reference;
    }
}
