package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.pop3.BodySink;
import io.popbridge.pop3.Credentials;
import io.popbridge.pop3.FailureKind;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import io.popbridge.pop3.SessionContext;
import io.popbridge.pop3.TokenLogin;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@link ImapMailboxProvider} without POP3: opens mailboxes on an event loop of its own,
 * returns the mailbox or the failure kind, and retrieves message octets.
 */
final class ProviderHarness implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final ImapMailboxProvider provider;

    ProviderHarness(UpstreamEndpoint upstream, ImapClientOptions imap) {
        provider = new ImapMailboxProvider(new BridgeOptions(upstream, imap, "INBOX", DeletePolicy.parse("hide"),
                RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD));
    }

    private SessionContext context() {
        return new SessionContext(loop, new InetSocketAddress("127.0.0.1", 40000), true);
    }

    Mailbox open(String user, String password) throws Exception {
        Credentials credentials = new Credentials(user.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return loop.submit(() -> provider.open(credentials, context())).get().get(10, TimeUnit.SECONDS);
    }

    Mailbox open(TokenLogin login) throws Exception {
        return loop.submit(() -> provider.open(login, context())).get().get(10, TimeUnit.SECONDS);
    }

    FailureKind failure(String user, String password) throws Exception {
        Credentials credentials = new Credentials(user.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        return kind(loop.submit(() -> provider.open(credentials, context())).get());
    }

    FailureKind failure(TokenLogin login) throws Exception {
        return kind(loop.submit(() -> provider.open(login, context())).get());
    }

    private static FailureKind kind(Future<Mailbox> f) throws Exception {
        try {
            Mailbox unexpected = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("opened " + unexpected);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MailboxException m) {
                return m.kind();
            }
            throw new AssertionError("not a MailboxException", e.getCause());
        }
    }

    /** RETR's octets of message {@code number}. */
    byte[] retrieve(Mailbox mailbox, int number) throws Exception {
        Promise<byte[]> done = loop.newPromise();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        loop.submit(() -> mailbox.retrieve(number, new BodySink() {
            @Override
            public void begin() {
            }

            @Override
            public void write(ByteBuf chunk) {
                try {
                    chunk.readBytes(out, chunk.readableBytes());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    chunk.release();
                }
            }

            @Override
            public void end() {
                done.setSuccess(out.toByteArray());
            }

            @Override
            public void fail(MailboxException cause) {
                done.setFailure(cause);
            }

            @Override
            public boolean isWritable() {
                return true;
            }

            @Override
            public void whenWritable(Runnable task) {
                task.run();
            }
        })).get();
        return done.get(10, TimeUnit.SECONDS);
    }

    void abandon(Mailbox mailbox) throws Exception {
        loop.submit(mailbox::abandon).get();
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
