package dev.fleet.desired.load;

import dev.fleet.desired.InvalidStateException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The image lines of a state file's text, as written: {@code service.image} and each droplet's own
 * {@code image}. What {@code fleet rollback} compares between revisions and writes back. It reads
 * only these keys, so an old revision whose other keys today's fleet would refuse (or whose secrets
 * are gone) still tells which images it ran.
 *
 * @param service  {@code service.image}, empty when the text has none
 * @param droplets each droplet's name to its own {@code image}, empty for a droplet without one, in
 *                 file order
 */
public record ImagePins(Optional<String> service, Map<String, Optional<String>> droplets) {

    public ImagePins {
        Objects.requireNonNull(service, "service");
        droplets = Collections.unmodifiableMap(new LinkedHashMap<>(droplets));
    }

    /** The image {@code droplet} runs under these pins: its own, else the service's. */
    public Optional<String> imageOf(String droplet) {
        return droplets.getOrDefault(droplet, Optional.empty()).or(this::service);
    }

    /**
     * The pins of a state file's text.
     *
     * @param where names the text in problems, e.g. {@code fleet-state/fleet.yaml at 1a2b3c4d5e6f}
     * @throws InvalidStateException when the text is not YAML with the shape of a state file
     */
    public static ImagePins read(String text, String where) throws InvalidStateException {
        Problems problems = new Problems(Path.of(where));
        Optional<Node> root = SafeYaml.parse(text, problems);
        problems.throwIfAny();
        MappingNode top = (MappingNode) root.orElseThrow();
        Optional<String> service = value(top, "service").flatMap(node -> scalarIn(node, "image"));
        Map<String, Optional<String>> droplets = new LinkedHashMap<>();
        value(top, "droplets").filter(SequenceNode.class::isInstance).map(SequenceNode.class::cast)
                .ifPresent(list -> list.getValue().forEach(droplet -> scalarIn(droplet, "name")
                        .ifPresent(name -> droplets.put(name, scalarIn(droplet, "image")))));
        return new ImagePins(service, droplets);
    }

    private static Optional<Node> value(Node mapping, String key) {
        if (!(mapping instanceof MappingNode map)) {
            return Optional.empty();
        }
        for (NodeTuple tuple : map.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return Optional.of(tuple.getValueNode());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> scalarIn(Node mapping, String key) {
        return value(mapping, key).filter(ScalarNode.class::isInstance).map(n -> ((ScalarNode) n).getValue().strip())
                .filter(v -> !v.isEmpty());
    }
}
