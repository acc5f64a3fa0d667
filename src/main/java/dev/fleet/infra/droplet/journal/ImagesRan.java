package dev.fleet.infra.droplet.journal;

import dev.fleet.infra.ssh.DropletException;
import dev.fleet.infra.ssh.ShellWords;
import dev.fleet.infra.ssh.SshConnection;
import dev.fleet.observed.UnreachableReason;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The images fleet ran for a service on a droplet, oldest first, in the SSH user's {@code
 * ~/.fleet/SERVICE/images} (kept to its last 200 to 400 lines), and the digests its rollouts aimed
 * at there, from the rollout journal: what image cleanup may remove, since fleet never removes an
 * image it did not pull or run for the service. What the droplet answers is data, each line checked.
 */
public final class ImagesRan {

    private static final String RECORD = """
            dir="${HOME:-/tmp}/.fleet/$1"
            f="$dir/images"
            mkdir -p "$dir" && touch "$f" || exit 1
            if [ "$(tail -n 1 "$f")" != "$2" ]; then printf '%s\\n' "$2" >> "$f" || exit 1; fi
            if [ "$(wc -l < "$f")" -gt 400 ]; then tail -n 200 "$f" > "$f.new" && mv "$f.new" "$f"; fi
            tail -n 200 "$f" | sed 's/^/ran /'
            if [ -f "$dir/journal" ]; then
              grep -o 'to=sha256:[0-9a-f]*' "$dir/journal" | sort -u | head -n 200 | sed 's/^to=/aimed /'
            fi
            """;

    /** A line the file may hold: an image by digest. Anything else on the droplet is ignored, never used. */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9._:/-]{1,255}@sha256:[0-9a-f]{64}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final SshConnection ssh;
    private final String service;

    public ImagesRan(SshConnection ssh, String service) {
        this.ssh = ssh;
        this.service = ShellWords.safe(service);
    }

    /**
     * What fleet did with images on the droplet: the ones it ran, oldest first, and the digests its
     * rollouts aimed at there (each pulled first), failed ones included.
     */
    public record Record(List<String> ran, List<String> aimedDigests) {}

    /** Records {@code image} (a reference by digest) as run now, and returns the droplet's record. */
    public Record record(String image) throws DropletException {
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("not an image by digest: " + image);
        }
        SshConnection.CommandResult result = ssh.run("sh -s -- " + service + " " + image, RECORD);
        if (result.exitStatus() != 0) {
            throw new DropletException(UnreachableReason.OTHER, "the list of images fleet ran, ~/.fleet/" + service
                    + "/images, could not be written (exit " + result.exitStatus() + "): " + result.stderr().strip());
        }
        List<String> ran = new ArrayList<>();
        List<String> aimed = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            String word = line.strip();
            if (word.startsWith("ran ") && IMAGE.matcher(word.substring(4)).matches()) {
                ran.add(word.substring(4));
            } else if (word.startsWith("aimed ") && DIGEST.matcher(word.substring(6)).matches()) {
                aimed.add(word.substring(6));
            }
        }
        return new Record(ran, aimed);
    }
}
