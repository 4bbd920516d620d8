package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Pop3TransactionTest {

    private static final String M1 = "Subject: one\r\n\r\nHello\r\n";
    private static final String M2 = "Subject: two\r\n\r\n.dot line\r\n.\r\nend";
    private static final String M3 = "Subject: three\nX: y\n\nbare lf body\n";

    private static Pop3SessionHarness session() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.mailbox.add("uid-1", M1).add("uid-2", M2).add("uid-3", M3);
        return h.loggedIn();
    }

    @Test
    void statCountsAllMessagesAndOctets() {
        session().expect("STAT", "+OK 3 " + (M1.length() + M2.length() + M3.length()) + "\r\n");
    }

    @Test
    void listAndUidlUseSnapshotNumbers() {
        Pop3SessionHarness h = session();
        h.expect("LIST", "+OK 3 messages:\r\n1 " + M1.length() + "\r\n2 " + M2.length() + "\r\n3 " + M3.length()
                + "\r\n.\r\n");
        h.expect("UIDL", "+OK\r\n1 uid-1\r\n2 uid-2\r\n3 uid-3\r\n.\r\n");
        h.expect("LIST 2", "+OK 2 " + M2.length() + "\r\n");
        h.expect("UIDL   3", "+OK 3 uid-3\r\n");
    }

    @Test
    void deletedMessagesLeaveStatAndListingsButKeepNumbers() {
        Pop3SessionHarness h = session();
        h.expect("DELE 2", "+OK Marked to be deleted.\r\n");
        h.expect("STAT", "+OK 2 " + (M1.length() + M3.length()) + "\r\n");
        h.expect("LIST", "+OK 2 messages:\r\n1 " + M1.length() + "\r\n3 " + M3.length() + "\r\n.\r\n");
        h.expect("UIDL", "+OK\r\n1 uid-1\r\n3 uid-3\r\n.\r\n");
        h.expect("LIST 2", "-ERR Message is deleted.\r\n");
        h.expect("UIDL 2", "-ERR Message is deleted.\r\n");
        h.expect("RETR 2", "-ERR Message is deleted.\r\n");
        h.expect("TOP 2 0", "-ERR Message is deleted.\r\n");
        h.expect("DELE 2", "-ERR Message is deleted.\r\n");
        h.expect("RSET", "+OK\r\n");
        h.expect("STAT", "+OK 3 " + (M1.length() + M2.length() + M3.length()) + "\r\n");
        h.expect("LIST 2", "+OK 2 " + M2.length() + "\r\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "RETR x|-ERR Invalid message number: x",
        "RETR|-ERR Missing message number.",
        "DELE   |-ERR Missing message number.",
        "RETR +1|-ERR Invalid message number: +1",
        "RETR -1|-ERR Invalid message number: -1",
        "RETR 1x|-ERR Noise after message number: x",
        "RETR 1 2|-ERR Noise after message number: 2",
        "RETR 7|-ERR There's no message 7.",
        "RETR 0|-ERR There's no message 0.",
        "RETR 4|-ERR There's no message 4.",
        "RETR 2147483648|-ERR There's no message 2147483648.",
        "RETR 99999999999999999999999|-ERR There's no message 99999999999999999999999.",
        "LIST 1 1|-ERR Noise after message number: 1",
        "DELE abc|-ERR Invalid message number: abc",
        "UIDL 9|-ERR There's no message 9.",
        "TOP 1|-ERR Missing number of lines.",
        "TOP 1 x|-ERR Invalid number of lines: x",
        "TOP 1 -1|-ERR Invalid number of lines: -1",
        "TOP 1 99999999999999999999|-ERR Invalid number of lines: 99999999999999999999",
        "TOP 1 2 3|-ERR Noise after number of lines: 3",
        "TOP 1 2x|-ERR Noise after number of lines: x",
        "TOP 5 1|-ERR There's no message 5.",
        "STAT 1|-ERR Noise after command: 1",
        "NOOP x|-ERR Noise after command: x",
        "PASS secret|-ERR Already logged in.",
        "USER bob|-ERR Already logged in.",
    })
    void argumentErrorsAreExact(String command, String reply) {
        session().expect(command, reply + "\r\n");
    }

    @Test
    void verbsAreCaseInsensitive() {
        Pop3SessionHarness h = session();
        h.expect("stat", "+OK 3 " + (M1.length() + M2.length() + M3.length()) + "\r\n");
        h.expect("Noop", "+OK\r\n");
        h.expect("rEtR 1", "+OK " + M1.length() + " octets\r\n" + M1 + ".\r\n");
    }

    @Test
    void retrStreamsTheBodyDotStuffedAndTerminated() {
        Pop3SessionHarness h = session();
        h.expect("RETR 2", "+OK " + M2.length() + " octets\r\nSubject: two\r\n\r\n..dot line\r\n..\r\nend\r\n.\r\n");
        h.expect("RETR 3", "+OK " + M3.length() + " octets\r\nSubject: three\r\nX: y\r\n\r\nbare lf body\r\n.\r\n");
        h.expect("NOOP", "+OK\r\n");
    }

    @Test
    void topPassesTheLineCountAndSendsPlainOk() {
        Pop3SessionHarness h = session();
        h.mailbox.deferBodies = true;
        h.send("TOP 1 0\r\n");
        assertEquals("", h.out());
        FakeMailbox.Request r = h.mailbox.pendingBodies.get(0);
        assertEquals(1, r.number());
        assertEquals(0, r.lines());
        h.mailbox.send(r);
        assertEquals("+OK\r\nSubject: one\r\n\r\n.\r\n", h.out());
        h.send("TOP 3 9223372036854775807\r\n");
        assertEquals(Long.MAX_VALUE, h.mailbox.pendingBodies.get(1).lines());
    }

    @Test
    void noopAndCapaInTransaction() {
        session().expect("NOOP", "+OK\r\n");
    }

    @Test
    void quitCommitsExactlyTheDeletedSetAndRepliesOnlyAfterTheCommit() {
        Pop3SessionHarness h = session();
        h.mailbox.deferCommit = true;
        h.expect("DELE 3", "+OK Marked to be deleted.\r\n");
        h.expect("DELE 1", "+OK Marked to be deleted.\r\n");
        h.send("QUIT\r\nNOOP\r\n");
        assertEquals("", h.out());
        assertTrue(h.ch.isOpen());
        assertEquals(List.of(new TreeSet<>(Set.of(1, 3))), h.mailbox.commits);
        h.mailbox.commitPromise.setSuccess(null);
        assertEquals("+OK Logging out, 2 messages deleted.\r\n", h.out());
        assertFalse(h.ch.isOpen());
        assertEquals(0, h.mailbox.abandoned);
    }

    @Test
    void quitAfterRsetCommitsNothing() {
        Pop3SessionHarness h = session();
        h.expect("DELE 2", "+OK Marked to be deleted.\r\n").expect("RSET", "+OK\r\n");
        h.expect("QUIT", "+OK Logging out.\r\n");
        assertEquals(List.of(new TreeSet<Integer>()), h.mailbox.commits);
        assertFalse(h.ch.isOpen());
    }

    @Test
    void commitFailureIsReportedWithSysTempAndCloses() {
        Pop3SessionHarness h = session();
        h.mailbox.deferCommit = true;
        h.expect("DELE 1", "+OK Marked to be deleted.\r\n");
        h.send("QUIT\r\n");
        h.mailbox.commitPromise.setFailure(new MailboxException(FailureKind.SYS_TEMP, "imap.internal timed out"));
        assertEquals("-ERR [SYS/TEMP] Temporary server failure, try again later.\r\n", h.out());
        assertFalse(h.ch.isOpen());
        assertEquals(0, h.mailbox.abandoned);
    }

    @Test
    void unexpectedCommitFailureIsTemporary() {
        Pop3SessionHarness h = session();
        h.mailbox.deferCommit = true;
        h.send("QUIT\r\n");
        h.mailbox.commitPromise.setFailure(new IllegalStateException("boom at imap.internal"));
        assertEquals("-ERR [SYS/TEMP] Temporary server failure, try again later.\r\n", h.out());
    }

    @Test
    void droppedConnectionAbandonsAndNeverCommits() {
        Pop3SessionHarness h = session();
        h.expect("DELE 1", "+OK Marked to be deleted.\r\n");
        h.ch.close();
        assertEquals(1, h.mailbox.abandoned);
        assertTrue(h.mailbox.commits.isEmpty());
        assertFalse(h.ch.finish());
    }
}
