package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class Pop3SessionLogTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger root;
    private Level rootLevel;
    private Logger popbridge;
    private Level popbridgeLevel;

    @BeforeEach
    void capture() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        // logback-test.xml may pin io.popbridge to another level; every path must be checked at DEBUG
        popbridge = (Logger) LoggerFactory.getLogger("io.popbridge");
        popbridgeLevel = popbridge.getLevel();
        popbridge.setLevel(Level.DEBUG);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        root.setLevel(rootLevel);
        popbridge.setLevel(popbridgeLevel);
    }

    @Test
    void oneSessionEndLineWithCountsAndNeitherPasswordNorContent() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.provider.password = "Hunter2 Pa55";
        String body = "Subject: confidential-body\r\n\r\nxyzzy\r\n";
        h.mailbox.add("u1", body).add("u2", "b\r\n");
        h.greeted().expect("USER bob", "+OK\r\n").expect("PASS Hunter2 Pa55", "+OK Logged in.\r\n");
        h.send("RETR 1\r\nTOP 2 0\r\nDELE 2\r\nQUIT\r\n");
        assertTrue(h.out().endsWith("+OK Logging out, 1 message deleted.\r\n"));

        List<String> sessionEnds = appender.list.stream()
                .filter(e -> e.getLoggerName().equals("io.popbridge.session"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, sessionEnds.size());
        String line = sessionEnds.get(0);
        assertTrue(line.contains("user=bob"), line);
        assertTrue(line.contains("retr=1 retrBytes=" + body.length() + " top=1 dele=1 outcome=quit"), line);
        for (ILoggingEvent e : appender.list) {
            String m = e.getFormattedMessage();
            assertFalse(m.contains("Hunter2") || m.contains("Pa55"), m);
            assertFalse(m.contains("confidential") || m.contains("xyzzy"), m);
        }
        assertTrue(appender.list.stream().anyMatch(e -> e.getFormattedMessage().equals("pop3 command PASS in AUTHORIZATION")));
    }

    @Test
    void droppedSessionIsLoggedAsSuch() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.loggedIn();
        h.ch.close();
        assertTrue(appender.list.stream().anyMatch(e -> e.getLoggerName().equals("io.popbridge.session")
                && e.getFormattedMessage().contains("outcome=client-closed")));
    }
}
