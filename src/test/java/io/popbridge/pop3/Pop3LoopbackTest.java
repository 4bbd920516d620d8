package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The initializer in a real ServerBootstrap, driven by a plain socket client. */
class Pop3LoopbackTest {

    private EventLoopGroup group;
    private Channel server;
    private final FakeProvider provider = new FakeProvider();

    @BeforeEach
    void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)
                // small kernel buffers so that a large RETR has to wait for the client
                .childOption(ChannelOption.SO_SNDBUF, 8 * 1024)
                .childHandler(new Pop3ServerInitializer(Pop3Options.defaults(), provider))
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void pipelinedDialogueWithALargeDotStuffedMessage() throws Exception {
        StringBuilder big = new StringBuilder();
        StringBuilder stuffed = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            String line = (i % 3 == 0 ? "." : "") + "line " + i + "\r\n";
            big.append(line);
            stuffed.append(line.startsWith(".") ? "." + line : line);
        }
        String small = "Subject: a\r\n\r\nhi\r\n";
        FakeMailbox mailbox = new FakeMailbox(null).add("u1", small).add("u2", big.toString());
        mailbox.chunkSize = 4096;
        provider.mailbox = mailbox;

        String transcript;
        try (Socket s = new Socket()) {
            s.setSoTimeout(30_000);
            s.connect((InetSocketAddress) server.localAddress());
            OutputStream out = s.getOutputStream();
            out.write("USER bob\r\nPASS secret\r\nSTAT\r\nRETR 2\r\nDELE 1\r\nLIST\r\nQUIT\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            transcript = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        long total = small.length() + big.length();
        String expected = "+OK popbridge ready.\r\n+OK\r\n+OK Logged in.\r\n+OK 2 " + total + "\r\n"
                + "+OK " + big.length() + " octets\r\n" + stuffed + ".\r\n"
                + "+OK Marked to be deleted.\r\n"
                + "+OK 1 messages:\r\n2 " + big.length() + "\r\n.\r\n"
                + "+OK Logging out, 1 message deleted.\r\n";
        assertEquals(expected, transcript);
        assertEquals(List.of(new TreeSet<>(Set.of(1))), mailbox.commits);
        assertTrue(provider.contexts.get(0).clientAddress() instanceof InetSocketAddress);
    }

    @Test
    void largeMessageStreamsThroughBackpressureToTheEnd() throws Exception {
        byte[] line = "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        StringBuilder body = new StringBuilder();
        while (body.length() < 8 * 1024 * 1024) {
            body.append(new String(line, StandardCharsets.US_ASCII));
        }
        FakeMailbox mailbox = new FakeMailbox(null).add("big", body.toString());
        mailbox.chunkSize = 16 * 1024;
        mailbox.honourBackpressure = true;
        provider.mailbox = mailbox;

        long received = 0;
        byte[] tail = new byte[5];
        try (Socket s = new Socket()) {
            s.setSoTimeout(60_000);
            s.setReceiveBufferSize(16 * 1024);
            s.connect((InetSocketAddress) server.localAddress());
            s.getOutputStream().write("USER bob\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0;) {
                received += n;
                for (int i = 0; i < n; i++) {
                    System.arraycopy(tail, 1, tail, 0, 4);
                    tail[4] = buf[i];
                }
            }
        }
        String head = "+OK popbridge ready.\r\n+OK\r\n+OK Logged in.\r\n+OK " + body.length() + " octets\r\n";
        String end = ".\r\n+OK Logging out.\r\n";
        assertEquals(head.length() + body.length() + end.length(), received);
        assertEquals("\r\n", new String(tail, 3, 2, StandardCharsets.US_ASCII));
        assertTrue(mailbox.pausedForBackpressure > 0, "the client was slower than the producer at least once");
        assertEquals(List.of(new TreeSet<Integer>()), mailbox.commits);
    }
}
