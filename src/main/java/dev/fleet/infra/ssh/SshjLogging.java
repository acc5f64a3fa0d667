package dev.fleet.infra.ssh;

import net.schmizz.sshj.common.LoggerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * sshj's own logging, silent unless its category is at DEBUG. Every failure sshj logs as an ERROR
 * also reaches fleet as an exception, which becomes a {@link DropletException} with a better message
 * (SHA256 fingerprints, what to do); sshj's lines would only repeat it on stderr, with MD5
 * fingerprints, in the middle of a report.
 */
final class SshjLogging implements LoggerFactory {

    static final SshjLogging QUIET_UNLESS_DEBUGGING = new SshjLogging();

    private SshjLogging() {}

    @Override
    public Logger getLogger(String name) {
        Logger logger = LoggerFactory.DEFAULT.getLogger(name);
        return logger.isDebugEnabled() ? logger : NOPLogger.NOP_LOGGER;
    }

    @Override
    public Logger getLogger(Class<?> type) {
        return getLogger(type.getName());
    }
}
