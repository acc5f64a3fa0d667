package dev.fleet.infra.git;

import static dev.fleet.desired.pin.ImagePinException.Reason.NOT_SAVED;

import dev.fleet.desired.pin.ImagePinException;
import dev.fleet.desired.pin.StateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * State files on this machine's disk, in the git repository that holds them, with JGit (no git
 * binary). The repository is found from the file's folder upwards, as git finds it.
 *
 * <p>The commit's author and committer are the repository's {@code user.name} and
 * {@code user.email} (its config, then the user's and the system's, as git reads them), else
 * {@value #DEFAULT_NAME} &lt;{@value #DEFAULT_EMAIL}&gt;. Not thread-safe for one file: two
 * replacements of the same file race, and the last one wins whole.
 */
public final class GitStateFiles implements StateFiles {

    static final String DEFAULT_NAME = "fleet";
    static final String DEFAULT_EMAIL = "fleet@localhost";

    @Override
    public boolean hasUncommittedChanges(Path file) throws ImagePinException {
        try (Repository repository = open(file)) {
            String path = Repositories.pathIn(repository, file);
            Status status = Git.wrap(repository).status().addPath(path).call();
            return !status.isClean();
        } catch (IOException | GitAPIException e) {
            throw failed("reading the git status of " + file, e);
        }
    }

    @Override
    public void replace(Path file, String text) throws ImagePinException {
        Path real;
        Path temporary = null;
        try {
            // The rename must replace the file the link points to, not the link.
            real = file.toRealPath();
            temporary = Files.createTempFile(real.getParent(), "." + real.getFileName(), ".tmp");
            PosixFileAttributeView posix = Files.getFileAttributeView(real, PosixFileAttributeView.class);
            if (posix != null) {
                Files.setPosixFilePermissions(temporary, posix.readAttributes().permissions());
            }
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, real, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw failed("writing " + file + " (it is unchanged)", e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // Only a leftover hidden file; the message above, if any, matters more.
                }
            }
        }
    }

    @Override
    public String commit(Path file, String message) throws ImagePinException {
        try (Repository repository = open(file)) {
            String path = Repositories.pathIn(repository, file);
            PersonIdent who = author(repository);
            // Only this path: whatever else is staged or changed stays out of the commit.
            RevCommit commit = Git.wrap(repository).commit().setOnly(path).setMessage(message).setAuthor(who)
                    .setCommitter(who).call();
            return commit.abbreviate(12).name() + " by " + who.getName() + " <" + who.getEmailAddress() + ">";
        } catch (IOException | GitAPIException e) {
            throw failed("committing " + file, e);
        }
    }

    private static PersonIdent author(Repository repository) {
        String name = repository.getConfig().getString("user", null, "name");
        String email = repository.getConfig().getString("user", null, "email");
        return new PersonIdent(name == null || name.isBlank() ? DEFAULT_NAME : name,
                email == null || email.isBlank() ? DEFAULT_EMAIL : email);
    }

    private static Repository open(Path file) throws IOException, ImagePinException {
        Repository repository = Repositories.holding(file).orElseThrow(() -> new ImagePinException(NOT_SAVED, file
                + " is in no git repository, so --commit cannot commit it", "leave out --commit, or keep the state in a"
                + " git repository (git init)"));
        if (repository.isBare()) {
            repository.close();
            throw new ImagePinException(NOT_SAVED, file + " is in a bare git repository", "use a clone");
        }
        return repository;
    }

    private static ImagePinException failed(String what, Exception e) {
        return e instanceof ImagePinException pin ? pin
                : new ImagePinException(NOT_SAVED, what + " failed: " + e.getMessage(), null);
    }
}
