package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A session on an {@link EmbeddedChannel} with a {@link FakeProvider}; text in, text out. */
final class Pop3SessionHarness {

    final FakeProvider provider = new FakeProvider();
    final EmbeddedChannel ch;
    final FakeMailbox mailbox;

    Pop3SessionHarness() {
        this(new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, "popbridge", QUICK_AUTH));
    }

    /** Defaults, but failed logins are answered at once (the delay has its own tests). */
    static final AuthOptions QUICK_AUTH = new AuthOptions(false, true, java.util.List.of(), Duration.ZERO, 3,
            java.util.Set.of());

    Pop3SessionHarness(Pop3Options options) {
        this(options, TlsMode.PLAIN, null);
    }

    Pop3SessionHarness(Pop3Options options, TlsMode mode, java.util.function.Supplier<io.netty.handler.ssl.SslContext> tls) {
        Pop3ServerInitializer initializer = new Pop3ServerInitializer(options, provider, mode, tls);
        ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                initializer.configure(c);
            }
        });
        mailbox = new FakeMailbox(ch.eventLoop());
        provider.mailbox = mailbox;
    }

    /** Sends raw client input (ISO-8859-1: one char per octet). */
    Pop3SessionHarness send(String input) {
        return sendBytes(input.getBytes(StandardCharsets.ISO_8859_1));
    }

    Pop3SessionHarness sendBytes(byte[] input) {
        ch.writeInbound(Unpooled.wrappedBuffer(input));
        ch.runPendingTasks();
        return this;
    }

    /** Everything the server wrote since the last call. */
    String out() {
        return out(StandardCharsets.ISO_8859_1);
    }

    String out(Charset charset) {
        ch.runPendingTasks();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null;) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            bytes.writeBytes(a);
            b.release();
        }
        return bytes.toString(charset);
    }

    /** Sends one command and asserts the complete answer. */
    Pop3SessionHarness expect(String command, String reply) {
        send(command + "\r\n");
        assertEquals(reply, out(), command);
        return this;
    }

    Pop3SessionHarness greeted() {
        assertEquals("+OK popbridge ready.\r\n", out());
        return this;
    }

    Pop3SessionHarness loggedIn() {
        greeted();
        expect("USER bob", "+OK\r\n");
        expect("PASS secret", "+OK Logged in.\r\n");
        return this;
    }
}
