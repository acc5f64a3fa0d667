package dev.fleet.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --output text|json}: lower-case names, refused while the command line is read, before any work. */
class TextOrJsonConverter implements ITypeConverter<TextOrJson> {

    @Override
    public TextOrJson convert(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "text" -> TextOrJson.TEXT;
            case "json" -> TextOrJson.JSON;
            default -> throw new TypeConversionException("--output is text or json, not '" + value + "'");
        };
    }
}
