package dev.fleet.infra.docker;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * httpclient's wire and header logs, off whatever level is configured: the Engine API's answers
 * hold containers' environments (secrets) and its requests may carry registry credentials. Held
 * here so that the level set on them cannot be lost with the logger objects. Set by the first
 * connection, not by a static initializer: the native build runs those while it builds, and the
 * run's log configuration (a level given in the environment) would then win.
 */
final class QuietLoggers {

    static volatile List<Logger> silenced;

    private QuietLoggers() {}

    static List<Logger> silence(String... categories) {
        List<Logger> loggers = new ArrayList<>();
        for (String category : categories) {
            Logger logger = Logger.getLogger(category);
            logger.setLevel(Level.OFF);
            loggers.add(logger);
        }
        return List.copyOf(loggers);
    }
}
