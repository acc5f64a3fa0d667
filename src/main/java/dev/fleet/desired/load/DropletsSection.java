package dev.fleet.desired.load;

import dev.fleet.desired.CloudProvider;
import dev.fleet.desired.DropletSpec;
import dev.fleet.desired.EnvValue;
import dev.fleet.desired.Hosts;
import dev.fleet.desired.ImageRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code droplets:}, the fleet in rollout order. */
final class DropletsSection {

    /** Its keys; each cloud's id ({@code digitalocean-id}) is read by {@link CloudSection}, with the balancer. */
    static final Set<String> KEYS = keys();

    /** A DNS label: safe in a container name, a log line, a file name and a shell word. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** HAProxy's rule for server names, without a leading '-'. */
    private static final Pattern SERVER = Pattern.compile("[A-Za-z0-9_.:][A-Za-z0-9_.:-]{0,62}");
    /** A group's name, as a service's name is written: safe in a message, a log line and a selector. */
    static final Pattern TAG = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private DropletsSection() {}

    private static Set<String> keys() {
        Set<String> keys = Sections.keys("name", "host", "port", "user", "image", "balancer-server", "addresses",
                "environment", "tags");
        Arrays.stream(CloudProvider.values()).map(CloudProvider::dropletKey).forEach(keys::add);
        return keys;
    }

    static Optional<List<DropletSpec>> read(Field field, SshSection.Result ssh, LoadContext context) {
        return field.list().flatMap(elements -> {
            if (elements.isEmpty()) {
                field.problem("the list is empty; a fleet has at least one droplet");
                return Optional.empty();
            }
            List<DropletSpec> droplets = new ArrayList<>();
            Map<String, Field> names = new HashMap<>();
            Map<String, Field> servers = new HashMap<>();
            Map<String, Field> addresses = new HashMap<>();
            List<Read> reads = new ArrayList<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<Read> read = droplet(element, ssh, context);
                if (read.isEmpty()) {
                    valid = false;
                    continue;
                }
                DropletSpec droplet = read.get().droplet();
                boolean newName = unique(names, droplet.name(), read.get().name(), "the name of", "name");
                // A repeated name is also a repeated default server name: one problem is enough.
                valid &= newName
                        && unique(servers, droplet.serverName(), read.get().server(), "the balancer server of",
                                "balancer server name");
                valid &= unique(addresses, droplet.host() + ":" + droplet.port(), read.get().host(),
                        "the host and port of",
                        "sshd (host and port)");
                droplets.add(droplet);
                reads.add(read.get());
            }
            valid &= tagsAreNotNames(reads, names);
            return valid ? Optional.of(droplets) : Optional.empty();
        });
    }

    /**
     * A droplet and the fields that must be unique in the fleet, to point at in messages; its tags'
     * fields in the order of {@code droplet.tags()}.
     */
    private record Read(DropletSpec droplet, Field name, Field host, Field server, List<Field> tags) {}

    /**
     * Whether no tag is also a droplet's name: {@code on: [db-1]} could not tell the droplet from the
     * group. A problem at each such tag.
     */
    private static boolean tagsAreNotNames(List<Read> reads, Map<String, Field> names) {
        boolean valid = true;
        for (Read read : reads) {
            for (int i = 0; i < read.tags().size(); i++) {
                Field tag = read.tags().get(i);
                String text = read.droplet().tags().get(i);
                Field name = names.get(text);
                if (name != null) {
                    String owner = name.path().substring(0, name.path().lastIndexOf('.'));
                    tag.problem(Text.quote(text) + " is also the name of " + owner + " (line "
                            + (name.mark().getLine() + 1) + "): a service's on: could not tell the droplet from the"
                            + " tag", "rename the tag, such as " + text + "-group");
                    valid = false;
                }
            }
        }
        return valid;
    }

    private static Optional<Read> droplet(Field element, SshSection.Result ssh, LoadContext context) {
        return element.mapping(KEYS).flatMap(droplet -> {
            Optional<Field> nameField = droplet.required("name");
            Optional<String> name = nameField.flatMap(f -> f.text(NAME, "a valid droplet name",
                    "use lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters"));
            Optional<Field> hostField = droplet.required("host");
            Optional<String> host = hostField.flatMap(DropletsSection::host);
            int port = droplet.integer("port", 22, 1, 65535);
            Optional<String> user = droplet.optional("user")
                    .map(f -> f.text(SshSection.USER, "a valid user name", SshSection.USER_HINT))
                    .orElseGet(() -> {
                        if (ssh.userMissing()) {
                            droplet.missing("no SSH user: set user here, or a default as ssh.user", null);
                        }
                        return ssh.user();
                    });
            Optional<Optional<ImageRef>> image = droplet.optional("image")
                    .map(f -> Images.read(f).map(Optional::of))
                    .orElse(Optional.of(Optional.empty()));
            Optional<Field> serverField = droplet.optional("balancer-server");
            Optional<Optional<String>> server = serverField
                    .map(f -> f.text(SERVER, "a valid HAProxy server name",
                            "letters, digits, '_', '.', ':' and '-', as in the backend's server lines")
                            .map(Optional::of))
                    .orElse(Optional.of(Optional.empty()));
            Optional<Optional<List<String>>> addresses = droplet.optional("addresses")
                    .map(f -> addresses(f).map(Optional::of)).orElse(Optional.of(Optional.empty()));
            // The same syntax and rules as service.environment; merged over it for this droplet.
            Optional<Map<String, EnvValue>> environment = droplet.optional("environment")
                    .map(f -> ServiceSection.environment(f, context)).orElse(Optional.of(Map.of()));
            Optional<Field> tagsField = droplet.optional("tags");
            Optional<List<String>> tags = tagsField.map(DropletsSection::tags).orElse(Optional.of(List.of()));
            if (!Sections.allPresent(name, host, user, image, server, addresses, environment, tags)) {
                return Optional.empty();
            }
            DropletSpec spec = new DropletSpec(name.get(), host.get(), port, user.get(), image.get(), server.get());
            spec = new DropletSpec(spec.name(), spec.host(), spec.port(), spec.user(), spec.image(),
                    spec.balancerServer(), addresses.get().orElse(spec.addresses()), environment.get(), tags.get());
            // A valid list of tags: listing it again records nothing.
            List<Field> tagFields = tagsField.flatMap(Field::list).orElse(List.of());
            return Optional.of(new Read(spec, nameField.get(), hostField.get(), serverField.orElse(nameField.get()),
                    tagFields));
        });
    }

    /** Names of the groups a droplet belongs to, which services select it by; none twice. */
    private static Optional<List<String>> tags(Field field) {
        return ContainerKeys.uniqueTexts(field, (tag, element) -> {
            if (!TAG.matcher(tag).matches()) {
                element.problem(Text.quote(tag) + " is not a valid tag", "use letters, digits, '_', '.' and '-',"
                        + " starting with a letter or digit, at most 63 characters");
                return false;
            }
            return true;
        }, "list a tag once");
    }

    /** Public IP addresses, IPv4 or IPv6, at least one, none twice. */
    private static Optional<List<String>> addresses(Field field) {
        return field.list().flatMap(elements -> {
            if (elements.isEmpty()) {
                field.problem("the list is empty", "leave addresses out, or list the droplet's public IP addresses");
                return Optional.empty();
            }
            List<String> addresses = new ArrayList<>();
            boolean valid = true;
            for (Field element : elements) {
                Optional<String> address = element.text().filter(text -> {
                    boolean ip = Hosts.isIpv4(text) || (text.contains(":") && Hosts.isHost(text));
                    if (!ip) {
                        element.problem(Text.quote(text) + " is not an IP address", "such as 203.0.113.10 or 2001:db8::10");
                    } else if (addresses.contains(text)) {
                        element.problem(Text.quote(text) + " is listed twice");
                        return false;
                    }
                    return ip;
                });
                address.ifPresent(addresses::add);
                valid &= address.isPresent();
            }
            return valid ? Optional.of(addresses) : Optional.empty();
        });
    }

    private static Optional<String> host(Field field) {
        return field.text().filter(host -> {
            if (host.startsWith("-")) {
                field.problem(Text.quote(host) + " starts with '-', which a command line would read as an option");
                return false;
            }
            if (!Hosts.isHost(host)) {
                field.problem(Text.quote(host) + " is not a host name or IP address",
                        "write a DNS name (droplet-1.example.com) or an address (203.0.113.10),"
                                + " without user@ or :port");
                return false;
            }
            return true;
        });
    }

    /** Whether {@code value} is new in {@code seen}; a problem at {@code field} when it is not. */
    private static boolean unique(Map<String, Field> seen, String value, Field field, String what, String thing) {
        Field first = seen.putIfAbsent(value, field);
        if (first == null) {
            return true;
        }
        String owner = first.path().substring(0, first.path().lastIndexOf('.'));
        field.problem(Text.quote(value) + " is already " + what + " " + owner + " (line "
                + (first.mark().getLine() + 1) + ")", "every droplet needs its own " + thing);
        return false;
    }
}
