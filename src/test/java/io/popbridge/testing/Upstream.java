package io.popbridge.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.imap.UpstreamEndpoint;
import java.io.IOException;

/** A GreenMail IMAP server on loopback with one user, for end-to-end tests. */
public final class Upstream implements AutoCloseable {

    public static final String USER = "alice";
    public static final String PASSWORD = "pa ss\"wörd\\";
    /** A second user with a plain ASCII password, for clients that send passwords as Latin-1. */
    public static final String USER2 = "bob";
    public static final String PASSWORD2 = "bob-secret";

    private final GreenMail greenMail;

    public Upstream() {
        this(false);
    }

    /** With {@code pop3}, GreenMail also serves POP3 (plain, on loopback) over the same mail store. */
    public Upstream(boolean pop3) {
        ServerSetup imap = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort();
        greenMail = pop3
                ? new GreenMail(new ServerSetup[] {imap,
                        new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_POP3).dynamicPort()})
                : new GreenMail(imap);
        greenMail.start();
        greenMail.setUser("alice@example.com", USER, PASSWORD);
        greenMail.setUser("bob@example.com", USER2, PASSWORD2);
    }

    public GreenMail greenMail() {
        return greenMail;
    }

    public int port() {
        return greenMail.getImap().getPort();
    }

    /** The POP3 port; only with {@code new Upstream(true)}. */
    public int pop3Port() {
        return greenMail.getPop3().getPort();
    }

    public UpstreamEndpoint endpoint() {
        return new UpstreamEndpoint("127.0.0.1", port(), UpstreamEndpoint.Security.PLAIN);
    }

    /** A direct IMAP connection as the user (the oracle). */
    public RawImap imap() throws IOException {
        return new RawImap("127.0.0.1", port(), USER, PASSWORD);
    }

    public RawImap imap(String user, String password) throws IOException {
        return new RawImap("127.0.0.1", port(), user, password);
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
