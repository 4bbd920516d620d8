package io.popbridge.interop;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.popbridge.bridge.BridgeOptions;
import io.popbridge.bridge.DeletePolicy;
import io.popbridge.bridge.ImapMailboxProvider;
import io.popbridge.bridge.RetrievePolicy;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.DovecotServer;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One upstream IMAP server with one user's mailbox, and popbridge in front of it. {@code dovecot}
 * is a real Dovecot 2.3 (one per test JVM, reached over STARTTLS with its certificate verified;
 * the test is skipped when Dovecot is not installed); {@code greenmail} is an in-process GreenMail
 * (plain IMAP), fresh for every test.
 */
final class Backend implements AutoCloseable {

    static final List<String> NAMES = List.of("dovecot", "greenmail");

    private static DovecotServer dovecot;

    final String name;
    /** The POP3 (= IMAP) login and password of the mailbox under test. */
    final String user;
    final String password;
    private final UpstreamEndpoint endpoint;
    private final ImapClientOptions imapOptions;
    private final Upstream greenMail;
    private final List<BridgeServer> bridges = new ArrayList<>();

    private Backend(String name, String user, String password, UpstreamEndpoint endpoint,
            ImapClientOptions imapOptions, Upstream greenMail) {
        this.name = name;
        this.user = user;
        this.password = password;
        this.endpoint = endpoint;
        this.imapOptions = imapOptions;
        this.greenMail = greenMail;
    }

    /**
     * The backend's ordinary test user (an ASCII password, which every client can pass); with
     * {@code tricky} the user whose password contains a space, a double quote, a non-ASCII
     * letter (and on GreenMail a backslash).
     */
    static Backend open(String name, boolean tricky) throws Exception {
        switch (name) {
            case "dovecot": {
                DovecotServer server = sharedDovecot();
                String user = tricky ? "bob" : "alice";
                SslContext tls = SslContextBuilder.forClient().trustManager(server.certificatePem().toFile())
                        .protocols("TLSv1.3", "TLSv1.2").build();
                return new Backend(name, user, server.password(user),
                        new UpstreamEndpoint("127.0.0.1", server.imapPort(), UpstreamEndpoint.Security.STARTTLS),
                        new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024, 1L << 31, tls),
                        null);
            }
            case "greenmail": {
                Upstream upstream = new Upstream();
                return new Backend(name, tricky ? Upstream.USER : Upstream.USER2,
                        tricky ? Upstream.PASSWORD : Upstream.PASSWORD2, upstream.endpoint(),
                        new ImapClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(20), 64 * 1024, 1L << 31, null),
                        upstream);
            }
            default:
                throw new IllegalArgumentException(name);
        }
    }

    private static synchronized DovecotServer sharedDovecot() throws IOException {
        if (dovecot == null) {
            DovecotServer server = DovecotServer.startOrSkip();
            System.out.println("[interop] upstream Dovecot " + server.version());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    // the JVM is exiting; DovecotServer's own hook kills what is left
                }
            }, "interop-dovecot-stop"));
            dovecot = server;
        }
        return dovecot;
    }

    /** Whether LIST sizes are exact before any RETR (GreenMail's RFC822.SIZE is not; the bridge learns at RETR). */
    boolean exactSizesBeforeRetr() {
        return greenMail == null;
    }

    /** The upstream's own POP3 server over the same mailbox (Dovecot's), or null (GreenMail's is not started). */
    InetSocketAddress ownPop3() {
        return greenMail == null ? new InetSocketAddress("127.0.0.1", dovecot.pop3Port()) : null;
    }

    /** A direct IMAP connection to the mailbox: the oracle. */
    RawImap imap() throws IOException {
        if (greenMail != null) {
            return greenMail.imap(user, password);
        }
        return new RawImap("127.0.0.1", dovecot.imapPort(), user, password);
    }

    /** Empties the INBOX (Dovecot is shared by the tests), appends the messages; returns their UIDs in order. */
    List<Long> fill(List<byte[]> messages) throws IOException {
        try (RawImap imap = imap()) {
            List<Long> old = imap.uids();
            if (!old.isEmpty()) {
                imap.ok("UID STORE 1:* +FLAGS.SILENT (\\Deleted)");
                imap.ok("EXPUNGE");
            }
            for (byte[] message : messages) {
                imap.append(message, null);
            }
            List<Long> uids = imap.uids();
            if (uids.size() != messages.size()) {
                throw new IOException("expected " + messages.size() + " messages after APPEND, found " + uids.size());
            }
            return uids;
        }
    }

    /** Starts popbridge in front of this upstream with the delete policy; stopped by {@link #close()}. */
    InetSocketAddress startBridge(String deletePolicy) throws Exception {
        BridgeOptions options = new BridgeOptions(endpoint, imapOptions, "INBOX", DeletePolicy.parse(deletePolicy),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        BridgeServer bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
        bridges.add(bridge);
        return bridge.localAddress();
    }

    @Override
    public void close() {
        bridges.forEach(BridgeServer::close);
        bridges.clear();
        if (greenMail != null) {
            greenMail.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
