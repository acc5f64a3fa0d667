package dev.fleet.apply;

import dev.fleet.desired.DropletSpec;

/** Opens the sessions of an apply. */
public interface DropletSessions {

    /** Connects to the droplet; a droplet that cannot be reached fails here, before anything changes. */
    DropletSession open(DropletSpec droplet) throws ApplyException;
}
