package dev.fleet.desired.init;

import java.util.Objects;

/**
 * A host key a droplet's sshd offered.
 *
 * @param type        as SSH names it, such as {@code ssh-ed25519}
 * @param fingerprint as {@code ssh-keygen -l} prints it: {@code SHA256:} and unpadded base64
 * @param blob        the key, base64, as a known_hosts line holds it
 */
public record HostKey(String type, String fingerprint, String blob) {

    public HostKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(blob, "blob");
    }

    /** The OpenSSH known_hosts line that trusts this key for {@code droplet}. */
    public String knownHostsLine(DropletAddress droplet) {
        return droplet.knownHostsPattern() + " " + type + " " + blob;
    }
}
