package dev.fleet.desired;

/** A value of the service's environment: plain text, or a secret resolved when the state is loaded. */
public sealed interface EnvValue {

    /** A value kept in the state file itself, visible in reports. */
    record Plain(String value) implements EnvValue {}

    /**
     * A value read from fleet's own environment ({@code from-env}) or a file ({@code from-file}) when
     * the state is loaded, never from the state file: a secret does not belong in git.
     *
     * @param source where it came from, for messages (for example {@code env API_TOKEN})
     */
    record SecretValue(Secret value, String source) implements EnvValue {}
}
