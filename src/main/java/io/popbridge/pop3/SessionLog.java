package io.popbridge.pop3;

import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session did, logged as one structured line when it ends (logger
 * {@code io.popbridge.session}). Never holds a password or message content.
 */
final class SessionLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.popbridge.session");
    private static final Logger EVENTS = LoggerFactory.getLogger(SessionLog.class.getPackageName());

    private final long startNanos = System.nanoTime();
    private final SocketAddress client;
    private String user = "-";
    private String outcome;
    private int retrCount;
    private long retrBytes;
    private int topCount;
    private int deleCount;
    private boolean logged;

    SessionLog(SocketAddress client) {
        this.client = client;
    }

    void user(String name) {
        user = Pop3Replies.echo(name);
    }

    /** The first reason given wins: it is the cause, later ones are consequences. */
    void outcome(String reason) {
        if (outcome == null) {
            outcome = reason;
        }
    }

    void retrieved(long bytes) {
        retrCount++;
        retrBytes += bytes;
    }

    void topSent() {
        topCount++;
    }

    void deleted(int count) {
        deleCount = count;
    }

    /** A failed mailbox operation: its log text goes here, never to the client. */
    void failure(String what, Throwable cause) {
        if (cause instanceof MailboxException e) {
            EVENTS.debug("pop3 {} failed for {}: {} {}", what, user, e.kind(), e.getMessage());
        } else {
            EVENTS.warn("pop3 {} failed unexpectedly for {}: {}", what, user, String.valueOf(cause));
        }
    }

    void end() {
        if (logged) {
            return;
        }
        logged = true;
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        LOG.info("pop3 session end user={} client={} durationMs={} retr={} retrBytes={} top={} dele={} outcome={}",
                user, client, millis, retrCount, retrBytes, topCount, deleCount,
                outcome == null ? "disconnected" : outcome);
    }
}
