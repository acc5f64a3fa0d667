package dev.fleet.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The images the lab runs, as {@code deploy/lab/lab images} builds (once, then cached) and names
 * them: the tests start the same images as the lab a person starts by hand.
 *
 * @param base     the Debian base the others are built from (the reaper runs it)
 * @param droplet  a simulated droplet: sshd and its own dockerd
 * @param haproxy  the balancer
 * @param registry the registry the droplets pull from
 * @param demo     the demo app's local images, by version (v1, v2, bad, flaky)
 */
record LabImages(String base, String droplet, String haproxy, String registry, Map<String, String> demo) {

    private static LabImages built;

    /** Builds what is missing (the first call in a JVM), and names the images. */
    static synchronized LabImages build() {
        if (built == null) {
            Lab.CommandResult result = Lab.runScript(Lab.IMAGES_TIMEOUT, "images");
            if (!result.succeeded()) {
                throw new IllegalStateException("deploy/lab/lab images failed (exit " + result.exitCode() + "):\n"
                        + result.output());
            }
            built = parse(result.output());
        }
        return built;
    }

    static LabImages parse(String output) {
        Map<String, String> roles = new LinkedHashMap<>();
        Map<String, String> demo = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length != 2) {
                continue; // the script's own messages go to stderr, but a stray line is not an image
            }
            if (fields[0].startsWith("demo-")) {
                demo.put(fields[0].substring("demo-".length()), fields[1]);
            } else {
                roles.put(fields[0], fields[1]);
            }
        }
        for (String role : new String[] {"base", "droplet", "haproxy", "registry"}) {
            if (!roles.containsKey(role)) {
                throw new IllegalStateException("deploy/lab/lab images named no " + role + " image:\n" + output);
            }
        }
        return new LabImages(roles.get("base"), roles.get("droplet"), roles.get("haproxy"), roles.get("registry"),
                Map.copyOf(demo));
    }
}
