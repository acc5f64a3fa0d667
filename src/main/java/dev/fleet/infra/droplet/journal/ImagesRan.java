package dev.fleet.infra.droplet.journal;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.UnreachableReason;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The images fleet ran for a service on a droplet, oldest first, in the SSH user's {@code
 * ~/.fleet/SERVICE/images}: what image cleanup may remove, since fleet never removes an image it did
 * not run for the service. Kept to its last 200 to 400 lines.
 */
public final class ImagesRan {

    private static final String RECORD = """
            dir="${HOME:-/tmp}/.fleet/$1"
            f="$dir/images"
            mkdir -p "$dir" && touch "$f" || exit 1
            if [ "$(tail -n 1 "$f")" != "$2" ]; then printf '%s\\n' "$2" >> "$f" || exit 1; fi
            if [ "$(wc -l < "$f")" -gt 400 ]; then tail -n 200 "$f" > "$f.new" && mv "$f.new" "$f"; fi
            tail -n 200 "$f"
            """;

    /** A line the file may hold: an image by digest. Anything else on the droplet is ignored, never used. */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9._:/-]{1,255}@sha256:[0-9a-f]{64}");

    private final SshConnection ssh;
    private final String service;

    public ImagesRan(SshConnection ssh, String service) {
        this.ssh = ssh;
        this.service = ShellWords.safe(service);
    }

    /** Records {@code image} (a reference by digest) as run now, and returns every image fleet ran, oldest first. */
    public List<String> record(String image) throws DropletException {
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("not an image by digest: " + image);
        }
        SshConnection.CommandResult result = ssh.run("sh -s -- " + service + " " + image, RECORD);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the list of images fleet ran, ~/.fleet/" + service
                    + "/images, could not be written (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
        return Arrays.stream(result.stdout().split("\n")).map(String::strip).filter(l -> IMAGE.matcher(l).matches())
                .toList();
    }
}
