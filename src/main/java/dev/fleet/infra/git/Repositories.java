package dev.fleet.infra.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The git repository that holds a state file, found as git finds it: from the file's folder upwards.
 * {@code GIT_DIR} and other git environment variables are ignored, so the answer depends on the file
 * alone. One place for the three readers and writers of the state's repository.
 */
final class Repositories {

    private Repositories() {}

    /**
     * The repository holding {@code file} (which must exist), bare or not; the caller closes it and
     * decides what a bare one means. Empty when no repository holds the file.
     */
    static Optional<Repository> holding(Path file) throws IOException {
        Path real = file.toRealPath();
        Path folder = Files.isDirectory(real) ? real : real.getParent();
        FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(folder.toFile());
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        return Optional.of(builder.setMustExist(true).build());
    }

    /** {@code file}'s path in the (non-bare) repository's work tree, with {@code /} between names. */
    static String pathIn(Repository repository, Path file) throws IOException {
        Path workTree = repository.getWorkTree().toPath().toRealPath();
        return workTree.relativize(file.toRealPath()).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
