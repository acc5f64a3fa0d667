package dev.fleet.infra.ssh;

/**
 * What fleet logs in to over SSH, for what its messages say: a droplet of the fleet, or the git
 * server holding the desired state ({@code fleet watch --repo ssh://...}). The two are reached the
 * same way (key or agent, host key checked against a known_hosts file, never trusted on first use);
 * they differ in where their settings come from and in what to do when something is missing.
 */
public enum SshPeer {

    /** A droplet: settings from the state's {@code ssh:} section. */
    DROPLET("droplet", "FLEET_SSH_PASSPHRASE", "FLEET_SSH_PASSPHRASE_FILE",
            "the state gives no ssh.identity-file", "the droplets' key"),

    /** The state's git server: settings from fleet's environment ({@code FLEET_GIT_*}). */
    GIT_SERVER("git server", "FLEET_GIT_SSH_PASSPHRASE", "FLEET_GIT_SSH_PASSPHRASE_FILE",
            "FLEET_GIT_SSH_KEY is not set", "the key the git server accepts for the state's repository");

    private final String noun;
    private final String passphraseVariable;
    private final String passphraseFileVariable;
    private final String withoutKeyFile;
    private final String whichKey;

    SshPeer(String noun, String passphraseVariable, String passphraseFileVariable, String withoutKeyFile,
            String whichKey) {
        this.noun = noun;
        this.passphraseVariable = passphraseVariable;
        this.passphraseFileVariable = passphraseFileVariable;
        this.withoutKeyFile = withoutKeyFile;
        this.whichKey = whichKey;
    }

    /** What it is, as a message names it: {@code droplet}, {@code git server}. */
    public String noun() {
        return noun;
    }

    /** The variable of fleet's environment that holds the passphrase of this peer's key file. */
    public String passphraseVariable() {
        return passphraseVariable;
    }

    /** The variable naming a file that holds that passphrase. */
    public String passphraseFileVariable() {
        return passphraseFileVariable;
    }

    /** Why fleet logs in with the agent's keys, for the agent's messages. */
    String withoutKeyFile() {
        return withoutKeyFile;
    }

    /** The key to add to an agent that holds none. */
    String whichKey() {
        return whichKey;
    }

    /**
     * What to do about a host key known_hosts does not list, {@code presented} by the peer at
     * {@code host}:{@code port}: verify it out of band, then add it (the line given, for a
     * droplet; ssh-keyscan or the line, for a git server, whose operators publish fingerprints).
     */
    String howToTrust(String host, int port, String keyFileSuffix, Object file, String line) {
        if (this == DROPLET) {
            return "Verify that fingerprint out of band (for example on the droplet's console: ssh-keygen -lf"
                    + " /etc/ssh/ssh_host_" + keyFileSuffix + "_key.pub), then add this line to " + file + ": " + line;
        }
        return "fleet never trusts a host key on first use: verify that fingerprint out of band (against the"
                + " fingerprints your git host publishes, or ssh-keygen -lf /etc/ssh/ssh_host_" + keyFileSuffix
                + "_key.pub on the server), then add the key to " + file + " (ssh-keyscan" + (port == 22 ? "" : " -p "
                + port) + " -t " + keyFileSuffix + " " + host + " >> " + file + ", and check that ssh-keygen -lf " + file
                + " shows the same fingerprint), or add this line: " + line;
    }
}
