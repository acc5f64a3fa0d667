package dev.fleet.desired.load;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;

/**
 * Passes parser events through to the composer, refusing explicit tags, too many aliases and deep
 * nesting as they stream by, at their position.
 */
final class GuardedParser implements Parser {

    private final Parser parser;
    private int aliases;
    private int depth;

    GuardedParser(Parser parser) {
        this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
        return parser.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
        return parser.peekEvent();
    }

    @Override
    public Event getEvent() {
        Event event = parser.getEvent();
        String tag = event instanceof ScalarEvent scalar ? scalar.getTag()
                : event instanceof CollectionStartEvent collection ? collection.getTag() : null;
        if (tag != null) {
            throw new Refused(event.getStartMark(), "YAML tags are not allowed, found " + shortTag(tag),
                    "remove the tag: a state file is plain data, and each key says how its value is read");
        }
        if (event instanceof AliasEvent && ++aliases > SafeYaml.MAX_ALIASES) {
            throw new Refused(event.getStartMark(), "more than " + SafeYaml.MAX_ALIASES + " aliases (*name); that many"
                    + " is how a YAML bomb (billion laughs) blows up memory, so fleet refuses the file",
                    "write the values out instead of referring to anchors");
        }
        if (event instanceof CollectionStartEvent && ++depth > SafeYaml.MAX_DEPTH) {
            throw new Refused(event.getStartMark(), "nested more than " + SafeYaml.MAX_DEPTH + " levels deep; a state"
                    + " file needs at most 4", "check the indentation");
        }
        if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
            depth--;
        }
        return event;
    }

    private static String shortTag(String tag) {
        return tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : tag;
    }

    /** A refusal by the guard; caught in {@link SafeYaml} and turned into a problem. */
    static final class Refused extends RuntimeException {

        final transient Mark mark;
        final String hint;

        Refused(Mark mark, String message, String hint) {
            super(message, null, false, false);
            this.mark = mark;
            this.hint = hint;
        }
    }
}
