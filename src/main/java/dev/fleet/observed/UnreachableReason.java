package dev.fleet.observed;

/** Why a droplet could not be observed. */
public enum UnreachableReason {
    /** Nothing listens at its SSH address (connection refused). */
    REFUSED,
    /** It did not answer in time: connecting, authenticating or a call. */
    TIMEOUT,
    /** Its sshd refused our key. */
    AUTHENTICATION,
    /** Its host key is not in known_hosts: fleet will not talk to a server it cannot verify. */
    HOST_KEY_UNKNOWN,
    /** Its host key differs from the one in known_hosts: possibly another machine. */
    HOST_KEY_CHANGED,
    /** SSH worked but its Docker engine did not answer. */
    DOCKER,
    /** Anything else; the detail says what. */
    OTHER
}
