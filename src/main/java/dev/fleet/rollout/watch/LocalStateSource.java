package dev.fleet.rollout.watch;

import java.nio.file.Files;
import java.nio.file.Path;

/** A state file on this machine, read again each round (whoever updates it, a checkout or a person). */
public record LocalStateSource(Path stateFile) implements StateSource {

    @Override
    public Fetch fetch() {
        return Files.isRegularFile(stateFile) ? new Fresh(stateFile)
                : new Unavailable(stateFile + " does not exist (or is not a file)");
    }

    @Override
    public String describe() {
        return "file " + stateFile;
    }
}
