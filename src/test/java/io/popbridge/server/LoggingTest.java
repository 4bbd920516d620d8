package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingTest {

    @AfterEach
    void restoreText() {
        Logging.apply(LogFormat.TEXT);
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerEvent() {
        assertTrue(Logging.apply(LogFormat.JSON));
        String line = encode("session ended user={}", "alice");
        assertTrue(line.startsWith("{") && line.endsWith("}\n"), line);
        assertTrue(line.contains("\"formattedMessage\":\"session ended user=alice\""), line);
        assertTrue(line.contains("\"level\":\"INFO\""), line);
        assertEquals(1, line.split("\n").length);
    }

    @Test
    void textFormatWritesThePatternLine() {
        assertTrue(Logging.apply(LogFormat.TEXT));
        String line = encode("session ended user={}", "alice");
        assertTrue(line.endsWith(" INFO  [main] io.popbridge.session - session ended user=alice\n"), line);
        assertFalse(line.startsWith("{"));
    }

    @SuppressWarnings("unchecked")
    private static String encode(String format, Object argument) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender(Logging.APPENDER);
        Encoder<ILoggingEvent> encoder = console.getEncoder();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("io.popbridge.session"), Level.INFO, format,
                null, new Object[] {argument});
        event.setThreadName("main");
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
