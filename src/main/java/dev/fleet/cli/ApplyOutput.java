package dev.fleet.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What {@code fleet apply --output} asks for: words as it goes ({@code text}), the result as one JSON
 * document at the end ({@code json}, the plan and progress in words on stderr), or the progress as
 * JSON lines with the result as the last line ({@code json-lines}).
 */
enum ApplyOutput {
    TEXT,
    JSON,
    JSON_LINES;

    /** Lower-case names, refused while the command line is read, before any work. */
    static final class Converter implements ITypeConverter<ApplyOutput> {

        @Override
        public ApplyOutput convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "text" -> TEXT;
                case "json" -> JSON;
                case "json-lines" -> JSON_LINES;
                default -> throw new TypeConversionException("--output is text, json or json-lines, not '" + value + "'");
            };
        }
    }
}
