package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class Pop3StreamingTest {

    private static final String M1 = "Subject: one\r\n\r\nHello\r\n";

    private static Pop3SessionHarness session() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.mailbox.add("uid-1", M1).add("uid-2", "B\r\n");
        h.loggedIn();
        h.mailbox.deferBodies = true;
        return h;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedCommandsWaitForTheStreamingOneAndAreAnsweredInOrder() {
        Pop3SessionHarness h = session();
        h.send("RETR 1\r\nSTAT\r\nRETR 2\r\nNOOP\r\n");
        assertEquals("", h.out());
        assertEquals(1, h.mailbox.pendingBodies.size(), "only one command executes");
        assertFalse(h.ch.config().isAutoRead(), "reading stops while busy");
        BodySink sink = h.mailbox.pendingBodies.get(0).sink();
        sink.begin();
        sink.write(bytes("Subject: one\r\n"));
        assertEquals("+OK " + M1.length() + " octets\r\nSubject: one\r\n", h.out());
        sink.write(bytes("\r\nHello\r\n"));
        sink.end();
        assertEquals("\r\nHello\r\n.\r\n+OK 2 " + (M1.length() + 3) + "\r\n", h.out());
        assertEquals(2, h.mailbox.pendingBodies.size());
        h.mailbox.send(h.mailbox.pendingBodies.get(1));
        assertEquals("+OK 3 octets\r\nB\r\n.\r\n+OK\r\n", h.out());
        assertTrue(h.ch.config().isAutoRead());
    }

    @Test
    void failureAfterBeginClosesWithoutTheTerminatingDot() {
        Pop3SessionHarness h = session();
        h.send("RETR 1\r\nNOOP\r\n");
        BodySink sink = h.mailbox.pendingBodies.get(0).sink();
        sink.begin();
        sink.write(bytes("Subject: one\r\n"));
        sink.fail(new MailboxException(FailureKind.SYS_TEMP, "connection reset by imap.internal"));
        assertEquals("+OK " + M1.length() + " octets\r\nSubject: one\r\n", h.out());
        assertFalse(h.ch.isOpen());
        assertEquals(1, h.mailbox.abandoned);
        assertTrue(h.mailbox.commits.isEmpty());
    }

    @Test
    void failureBeforeBeginAnswersByKindAndTheSessionGoesOn() {
        Pop3SessionHarness h = session();
        h.send("RETR 2\r\nNOOP\r\n");
        h.mailbox.pendingBodies.get(0).sink()
                .fail(new MailboxException(FailureKind.MESSAGE_GONE, "UID 7 expunged on imap.internal"));
        assertEquals("-ERR Message was removed by another client.\r\n+OK\r\n", h.out());
        assertTrue(h.ch.isOpen());
    }

    @Test
    void mailboxThatThrowsGetsSysTempAndTheSessionGoesOn() {
        Pop3SessionHarness h = new Pop3SessionHarness();
        h.provider.mailbox = new FakeMailbox(h.ch.eventLoop()) {
            @Override
            public void retrieve(int number, BodySink sink) {
                throw new IllegalStateException("bug");
            }
        }.add("u", "x\r\n");
        h.loggedIn();
        h.expect("RETR 1", "-ERR [SYS/TEMP] Temporary server failure, try again later.\r\n");
        h.expect("NOOP", "+OK\r\n");
    }

    @Test
    void writesAfterTheClientLeftOnlyReleaseTheirChunks() {
        Pop3SessionHarness h = session();
        h.send("RETR 1\r\n");
        BodySink sink = h.mailbox.pendingBodies.get(0).sink();
        sink.begin();
        assertEquals("+OK " + M1.length() + " octets\r\n", h.out());
        h.ch.close();
        assertEquals(1, h.mailbox.abandoned);
        ByteBuf late = bytes("Hello\r\n");
        sink.write(late);
        assertEquals(0, late.refCnt());
        sink.end();
        assertEquals("", h.out());
        assertTrue(h.mailbox.commits.isEmpty());
        assertFalse(h.ch.finish());
    }

    @Test
    void whenWritableRunsAtOnceWhenWritableAndLaterOtherwise() {
        Pop3SessionHarness h = session();
        h.send("RETR 1\r\n");
        BodySink sink = h.mailbox.pendingBodies.get(0).sink();
        sink.begin();
        assertTrue(sink.isWritable());
        AtomicInteger runs = new AtomicInteger();
        sink.whenWritable(runs::incrementAndGet);
        assertEquals(1, runs.get());

        // a slow client: more than the high watermark written but not yet flushed out
        h.ch.config().setWriteBufferWaterMark(Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK);
        h.ch.write(Unpooled.wrappedBuffer(new byte[128 * 1024]));
        assertFalse(sink.isWritable());
        sink.whenWritable(runs::incrementAndGet);
        assertEquals(1, runs.get());
        h.ch.flush();
        h.ch.runPendingTasks();
        assertTrue(sink.isWritable());
        assertEquals(2, runs.get());
        h.ch.flush();
        h.ch.runPendingTasks();
        assertEquals(2, runs.get(), "runs once");
        sink.end();
        assertTrue(h.out().endsWith(".\r\n"));
    }

    @Test
    void idleBeforeLoginClosesAfterTheLoginTimeout() {
        Pop3SessionHarness h = new Pop3SessionHarness(
                new Pop3Options(255, Duration.ofMinutes(10), Duration.ofSeconds(30), 3, null));
        h.ch.freezeTime();
        h.greeted();
        h.ch.advanceTimeBy(31, TimeUnit.SECONDS);
        h.ch.runScheduledPendingTasks();
        assertEquals("-ERR Disconnected for inactivity.\r\n", h.out());
        assertFalse(h.ch.isOpen());
    }

    @Test
    void idleAfterLoginUsesTheIdleTimeoutAndAbandons() {
        Pop3SessionHarness h = new Pop3SessionHarness(
                new Pop3Options(255, Duration.ofMinutes(10), Duration.ofSeconds(30), 3, null));
        h.ch.freezeTime();
        h.loggedIn();
        h.expect("DELE", "-ERR Missing message number.\r\n");
        h.ch.advanceTimeBy(5, TimeUnit.MINUTES);
        h.ch.runScheduledPendingTasks();
        assertTrue(h.ch.isOpen(), "the login timeout no longer applies");
        assertEquals("", h.out());
        h.ch.advanceTimeBy(6, TimeUnit.MINUTES);
        h.ch.runScheduledPendingTasks();
        assertEquals("-ERR Disconnected for inactivity.\r\n", h.out());
        assertFalse(h.ch.isOpen());
        assertEquals(1, h.mailbox.abandoned);
        assertTrue(h.mailbox.commits.isEmpty());
    }

    @Test
    void callsAfterEndAreIgnoredAndTheirChunksReleased() {
        Pop3SessionHarness h = session();
        h.send("RETR 2\r\n");
        BodySink sink = h.mailbox.pendingBodies.get(0).sink();
        sink.write(bytes("B\r\n"));
        sink.end();
        assertEquals("+OK 3 octets\r\nB\r\n.\r\n", h.out());
        ByteBuf late = bytes("late");
        sink.write(late);
        assertEquals(0, late.refCnt());
        sink.fail(new MailboxException(FailureKind.SYS_TEMP, "late"));
        sink.end();
        assertEquals("", h.out());
        assertTrue(h.ch.isOpen());
        h.expect("NOOP", "+OK\r\n");
    }
}
