package dev.fleet.desired.load;

import dev.fleet.desired.InvalidStateException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Where a state file writes an image: the text of {@code service.image}, or of one droplet's
 * {@code image:}, as a span of the file's text, so that it can be rewritten and nothing else: every
 * comment, blank line, anchor and quote of the file stays as it was.
 *
 * <p>The span comes from snakeyaml's marks of the value's scalar. A value with an anchor ({@code &x})
 * or an alias to one ({@code *x}) is refused: it is written, or used, in more than one place, and
 * changing it here would change those places too, or the wrong line.
 *
 * @param file    the state file, for messages
 * @param text    the file's whole text
 * @param droplet the droplet whose own image this is; empty for {@code service.image}
 * @param where   the key path, for messages: {@code service.image}, {@code droplets[0].image}
 * @param service {@code service.name}, if the file has one
 * @param start   where the value's text starts in {@code text} (at its quote, when quoted)
 * @param end     where it ends (after its closing quote)
 * @param current the value as YAML reads it
 * @param quote   the quote around the value ({@code '} or {@code "}), or empty when it is plain
 */
public record ImageLine(Path file, String text, Optional<String> droplet, String where, Optional<String> service,
        int start, int end, String current, String quote) {

    /**
     * The image line of the state file {@code file}.
     *
     * @param droplet a droplet's name, for its own {@code image:}; empty for {@code service.image}
     * @throws InvalidStateException when the file cannot be read as YAML, or has no such image line,
     *                               or the value cannot be rewritten alone; with positions
     */
    public static ImageLine find(Path file, Optional<String> droplet) throws InvalidStateException {
        Problems problems = new Problems(file);
        Optional<String> text = StateFileText.read(file, problems);
        problems.throwIfAny();
        return in(file, text.orElseThrow(), droplet);
    }

    /** The text with this line's value replaced by {@code reference}, quoted as the value was. */
    public String replacedWith(String reference) {
        return text.substring(0, start) + quote + reference + quote + text.substring(end);
    }

    /**
     * Checks that {@code edited}, this file's text with a new value on this line, is still a YAML state
     * whose image line here reads {@code reference} and is a valid image by digest. The rest of the
     * state is not checked again: only this value changed.
     *
     * @throws InvalidStateException with the problems of the edited text, by position
     */
    public void check(String edited, String reference) throws InvalidStateException {
        Problems problems = new Problems(file);
        Optional<Located> located = locate(edited, problems);
        located.flatMap(l -> Images.read(l.image())).filter(image -> !image.reference().equals(reference))
                .ifPresent(image -> located.get().image().problem("reads " + image.reference() + " after the edit,"
                        + " not " + reference, "this is a bug in fleet set-image; edit the line by hand"));
        problems.throwIfAny();
    }

    /** The image line of a state file's text, as {@link #find} finds it in the file. */
    public static ImageLine in(Path file, String text, Optional<String> droplet) throws InvalidStateException {
        Problems problems = new Problems(file);
        Optional<Located> located = locate(text, droplet, problems);
        problems.throwIfAny();
        Field image = located.orElseThrow().image();
        ScalarNode scalar = (ScalarNode) image.node();
        int start = text.offsetByCodePoints(0, scalar.getStartMark().getIndex());
        int end = text.offsetByCodePoints(0, scalar.getEndMark().getIndex());
        String quote = switch (scalar.getScalarStyle()) {
            case SINGLE_QUOTED -> "'";
            case DOUBLE_QUOTED -> "\"";
            default -> "";
        };
        // A plain value over several lines, or any surprise in the marks: better no edit than a wrong one.
        if (!text.substring(start + quote.length(), end - quote.length()).equals(scalar.getValue())) {
            image.problem("is not written on one line as a simple value", "write it on one line, then run"
                    + " set-image again");
            problems.throwIfAny();
        }
        return new ImageLine(file, text, droplet, image.path(), located.get().service(), start, end,
                scalar.getValue(), quote);
    }

    private Optional<Located> locate(String edited, Problems problems) {
        return locate(edited, droplet, problems);
    }

    /** The image line's field and the service's name. */
    private record Located(Field image, Optional<String> service) {}

    private static Optional<Located> locate(String text, Optional<String> droplet, Problems problems) {
        Optional<MappingReader> root = SafeYaml.parse(text, problems)
                .flatMap(node -> new Field("", node, problems).freeMapping());
        if (root.isEmpty()) {
            return Optional.empty();
        }
        Optional<MappingReader> service = root.get().required("service").flatMap(Field::freeMapping);
        Optional<String> name = service.flatMap(s -> s.optional("name")).filter(f -> f.node() instanceof ScalarNode)
                .flatMap(Field::text);
        Optional<Field> image = droplet.isPresent()
                ? root.get().required("droplets").flatMap(Field::list).flatMap(list -> dropletImage(list, droplet.get(),
                        root.get().optional("droplets").orElseThrow()))
                : service.flatMap(s -> s.required("image", "the image the fleet runs; see fleet-state/example.yaml"));
        return image.filter(ImageLine::editable).map(f -> new Located(f, name));
    }

    private static Optional<Field> dropletImage(List<Field> droplets, String wanted, Field list) {
        for (Field droplet : droplets) {
            Optional<MappingReader> mapping = droplet.freeMapping();
            boolean named = mapping.flatMap(m -> m.optional("name")).map(Field::node)
                    .filter(n -> n instanceof ScalarNode s && s.getValue().equals(wanted)).isPresent();
            if (named) {
                Optional<Field> image = mapping.get().optional("image");
                if (image.isEmpty()) {
                    droplet.problem("droplet " + wanted + " has no image of its own: it runs service.image",
                            "leave out --droplet to change service.image, or add an image: line under the droplet"
                                    + " by hand first");
                }
                return image;
            }
        }
        List<String> names = droplets.stream().map(Field::node).filter(n -> n instanceof MappingNode)
                .flatMap(n -> ((MappingNode) n).getValue().stream())
                .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("name")
                        && t.getValueNode() instanceof ScalarNode)
                .map(t -> ((ScalarNode) t.getValueNode()).getValue()).toList();
        list.problem("no droplet is named " + wanted, "the droplets are: " + String.join(", ", names));
        return Optional.empty();
    }

    /** Whether the value can be rewritten by itself; a problem on the field when not. */
    private static boolean editable(Field image) {
        Node node = image.node();
        if (!(node instanceof ScalarNode scalar)) {
            image.problem("expected an image reference, found " + image.kind());
            return false;
        }
        if (node.getAnchor() != null) {
            image.problem("is an anchor (&" + node.getAnchor() + ") or an alias (*" + node.getAnchor() + "): the"
                    + " value is shared with other places, which set-image would change too, or miss",
                    "write the image out on this line (no & or *), then run set-image again");
            return false;
        }
        if (scalar.getScalarStyle() == ScalarStyle.LITERAL || scalar.getScalarStyle() == ScalarStyle.FOLDED) {
            image.problem("is a block scalar (| or >)", "write it on one line, then run set-image again");
            return false;
        }
        return true;
    }
}
