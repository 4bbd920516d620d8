package io.popbridge.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log-format} to the {@code STDERR} appender that {@code logback.xml} defines.
 *
 * <p>Does nothing when SLF4J is not bound to logback or the appender was configured away (an
 * admin's own {@code -Dlogback.configurationFile} wins).
 */
public final class Logging {

    /** Must match the pattern in {@code logback.xml}. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    static final String APPENDER = "STDERR";

    private Logging() {
    }

    /** Switches the standard-error appender to {@code format}; returns whether it was applied. */
    public static boolean apply(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console)) {
            return false;
        }
        Encoder<ILoggingEvent> encoder = format == LogFormat.JSON ? json(context) : text(context);
        console.stop();
        console.setEncoder(encoder);
        console.start();
        return true;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        // The formatted message only: raw arguments would duplicate it.
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
