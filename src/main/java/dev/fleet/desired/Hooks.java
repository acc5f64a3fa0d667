package dev.fleet.desired;

import java.util.Optional;

/**
 * A service's deploy hooks.
 *
 * @param preDeploy         run before the first droplet is drained; a failure stops the apply
 *                          with nothing drained
 * @param postDeploy        run after the last droplet converged; a failure is reported
 * @param rollbackOnFailure whether a failed post-deploy hook rolls the fleet back to what it ran
 *                          before the apply
 */
public record Hooks(Optional<DeployHook> preDeploy, Optional<DeployHook> postDeploy, boolean rollbackOnFailure) {

    public static final Hooks NONE = new Hooks(Optional.empty(), Optional.empty(), false);

    public boolean isEmpty() {
        return preDeploy.isEmpty() && postDeploy.isEmpty();
    }
}
