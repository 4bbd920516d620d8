package io.popbridge.imap;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted fake IMAP upstream on 127.0.0.1 (Netty) that records every octet it receives (the
 * plaintext, i.e. after TLS is removed, so that a test can assert on exactly what the client
 * sent). It frames commands with their literals (answering {@code {n}} with a continuation),
 * knows just enough IMAP for a bridge session (CAPABILITY, STARTTLS, LOGIN, AUTHENTICATE, SELECT,
 * UID FETCH, UID STORE, NOOP, LOGOUT) and answers what the test configured. Configure it before
 * the client connects.
 */
public final class RecordingImapServer implements AutoCloseable {

    private static final Pattern LITERAL = Pattern.compile("\\{([0-9]+)(\\+?)\\}\r\n$");

    /** Greeting line (CRLF added); sent inside TLS when {@link #implicitTls} is set. */
    public volatile String greeting = "* OK fake IMAP ready";
    /** CAPABILITY answer before TLS (or on a plain / implicit-TLS connection). */
    public volatile String capabilities = "IMAP4rev1 STARTTLS LOGINDISABLED";
    /** CAPABILITY answer after STARTTLS. */
    public volatile String tlsCapabilities = "IMAP4rev1";
    /** Tagged answer to STARTTLS, after the tag ("OK begin TLS", "NO not today"). */
    public volatile String starttlsReply = "OK begin TLS";
    /** Octets sent right after the STARTTLS OK in the same write (an injection attack). */
    public volatile String afterStarttlsOk = "";
    /** Whether {@link #afterStarttlsOk} goes out in a write of its own after the OK (a second segment). */
    public volatile boolean injectSeparately;
    /** Untagged lines (CRLF each) sent before the tagged answer to a login. */
    public volatile String beforeLoginReply = "";
    /** Tagged answer to LOGIN / AUTHENTICATE after the tag. */
    public volatile String loginReply = "OK logged in";
    /** When set, the SASL response is answered with {@code + <this>} (an error challenge) first. */
    public volatile String saslErrorChallenge;
    /** Server context for STARTTLS. */
    public volatile SslContext starttls;
    /** Server context for implicit TLS; null for a plain listener. */
    public volatile SslContext implicitTls;
    /** Messages of INBOX; UID n is message n. */
    public final List<byte[]> messages = new CopyOnWriteArrayList<>();

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Channel> children = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    public RecordingImapServer() throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        SslContext tls = implicitTls;
                        if (tls != null) {
                            SslHandler ssl = tls.newHandler(ch.alloc());
                            ch.pipeline().addLast("tls", ssl);
                            ssl.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    send(ch, greeting + "\r\n");
                                } else {
                                    ch.close();
                                }
                            });
                        }
                        ch.pipeline().addLast("record", new Recorder());
                        ch.pipeline().addLast("session", new Session(tls == null));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public UpstreamEndpoint endpoint(String host, UpstreamEndpoint.Security security) {
        return new UpstreamEndpoint(host, port(), security);
    }

    /** Every plaintext octet received so far, on all connections. */
    public byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    /** {@link #received()} decoded as UTF-8. */
    public String receivedText() {
        return new String(received(), StandardCharsets.UTF_8);
    }

    /** Complete commands (with literals, CRLFs kept) and SASL response lines, in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public int connections() {
        return connections.get();
    }

    /** Waits until every accepted connection has closed, so that everything sent has been read. */
    public void awaitAllClosed() throws InterruptedException {
        for (Channel ch : children) {
            if (!ch.closeFuture().await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("connection still open: " + ch);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        listener.close().sync();
        for (Channel ch : children) {
            ch.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static void send(Channel ch, String text) {
        ch.writeAndFlush(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
    }

    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] octets = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), octets);
            synchronized (received) {
                received.writeBytes(octets);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Frames commands with their literals and answers them. */
    private final class Session extends ByteToMessageDecoder {
        private final boolean greetOnConnect;
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private long literalRemaining;
        private String saslTag;
        private boolean challenged;
        private boolean inTls;

        Session(boolean greetOnConnect) {
            this.greetOnConnect = greetOnConnect;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (greetOnConnect) {
                send(ctx.channel(), greeting + "\r\n");
            } else {
                inTls = true;
            }
            super.channelActive(ctx);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                if (literalRemaining > 0) {
                    int n = (int) Math.min(literalRemaining, in.readableBytes());
                    byte[] part = new byte[n];
                    in.readBytes(part);
                    command.writeBytes(part);
                    literalRemaining -= n;
                    continue;
                }
                int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (lf < 0) {
                    return;
                }
                byte[] line = new byte[lf + 1 - in.readerIndex()];
                in.readBytes(line);
                command.writeBytes(line);
                String text = new String(line, StandardCharsets.UTF_8);
                Matcher literal = LITERAL.matcher(text);
                if (saslTag == null && literal.find()) {
                    literalRemaining = Long.parseLong(literal.group(1));
                    if (literal.group(2).isEmpty()) {
                        send(ctx.channel(), "+ go ahead\r\n");
                    }
                    continue;
                }
                String complete = command.toString(StandardCharsets.UTF_8);
                command.reset();
                commands.add(complete);
                answer(ctx.channel(), complete);
            }
        }

        private void answer(Channel ch, String complete) {
            String line = complete.endsWith("\r\n") ? complete.substring(0, complete.length() - 2) : complete;
            if (saslTag != null) {
                saslResponse(ch, saslTag);
                return;
            }
            String[] words = line.split(" ", 4);
            String tag = words[0];
            String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
            switch (verb) {
                case "CAPABILITY" -> send(ch, "* CAPABILITY " + (inTls && implicitTls == null ? tlsCapabilities
                        : capabilities) + "\r\n" + tag + " OK done\r\n");
                case "STARTTLS" -> starttls(ch, tag);
                case "LOGIN" -> send(ch, beforeLoginReply + tag + " " + loginReply + "\r\n");
                case "AUTHENTICATE" -> {
                    saslTag = tag;
                    if (words.length > 3) {
                        saslResponse(ch, tag);
                    } else {
                        send(ch, "+ \r\n");
                    }
                }
                case "SELECT", "EXAMINE" -> send(ch, "* " + messages.size() + " EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n"
                        + "* OK [UIDNEXT " + (messages.size() + 1) + "] n\r\n" + tag + " OK [READ-WRITE] selected\r\n");
                case "UID" -> uid(ch, tag, line);
                case "LOGOUT" -> {
                    send(ch, "* BYE bye\r\n" + tag + " OK done\r\n");
                    ch.close();
                }
                case "NOOP" -> send(ch, tag + " OK done\r\n");
                default -> send(ch, tag + " BAD unknown command\r\n");
            }
        }

        private void saslResponse(Channel ch, String tag) {
            if (saslErrorChallenge != null && !challenged) {
                challenged = true;
                send(ch, "+ " + saslErrorChallenge + "\r\n");
                return;
            }
            saslTag = null;
            send(ch, beforeLoginReply + tag + " " + (challenged ? "NO [AUTHENTICATIONFAILED] invalid token"
                    : loginReply) + "\r\n");
        }

        private void starttls(Channel ch, String tag) {
            String reply = starttlsReply;
            if (!reply.startsWith("OK")) {
                send(ch, tag + " " + reply + "\r\n");
                return;
            }
            boolean separately = injectSeparately;
            byte[] octets = (tag + " " + reply + "\r\n" + (separately ? "" : afterStarttlsOk))
                    .getBytes(StandardCharsets.UTF_8);
            ch.writeAndFlush(Unpooled.wrappedBuffer(octets)).addListener((ChannelFutureListener) f -> {
                if (separately && !afterStarttlsOk.isEmpty()) {
                    send(ch, afterStarttlsOk);
                }
                if (f.isSuccess() && ch.isActive()) {
                    ch.pipeline().addFirst("tls", starttls.newHandler(ch.alloc()));
                    inTls = true;
                }
            });
        }

        private void uid(Channel ch, String tag, String line) {
            String[] words = line.split(" ");
            String sub = words.length > 2 ? words[2].toUpperCase(Locale.ROOT) : "";
            if (!sub.equals("FETCH")) {
                send(ch, tag + " OK done\r\n");
                return;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (line.toUpperCase(Locale.ROOT).contains("BODY.PEEK[]")) {
                int uid = Integer.parseInt(words[3]);
                if (uid >= 1 && uid <= messages.size()) {
                    byte[] body = messages.get(uid - 1);
                    out.writeBytes(("* " + uid + " FETCH (UID " + uid + " BODY[] {" + body.length + "}\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.writeBytes(body);
                    out.writeBytes(")\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } else {
                for (int i = 1; i <= messages.size(); i++) {
                    out.writeBytes(("* " + i + " FETCH (UID " + i + " RFC822.SIZE " + messages.get(i - 1).length
                            + " FLAGS ())\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            out.writeBytes((tag + " OK done\r\n").getBytes(StandardCharsets.US_ASCII));
            ch.writeAndFlush(Unpooled.wrappedBuffer(out.toByteArray()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Splits what was received into its CRLF-terminated lines (literal octets included as-is). */
    public List<String> receivedLines() {
        List<String> lines = new ArrayList<>();
        for (String l : receivedText().split("\r\n", -1)) {
            lines.add(l);
        }
        return lines;
    }
}
