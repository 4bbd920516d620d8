package io.popbridge.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A lightweight scripted IMAP server in Netty for memory benchmarks: tens of thousands of
 * connections on a couple of threads, where GreenMail or a thread-per-connection fake would not
 * hold. Any LOGIN succeeds; every user sees the same fixed INBOX ({@code small} messages of 2 KB,
 * plus, with {@code bigMegabytes > 0}, one big message first). Answers CAPABILITY, LOGIN, SELECT,
 * EXAMINE, UID FETCH (listing and BODY.PEEK[]), UID SEARCH (the listing cache's sync on a repeat
 * login), UID STORE, NOOP and LOGOUT; anything else is BAD.
 * Plain IMAP on 127.0.0.1 only. Message bodies are wrapped, never copied, per connection.
 *
 * <p>{@code java ... io.popbridge.load.ScriptedImapUpstream PORT SMALL BIG_MB} runs it standalone
 * (port 0: a free one, printed as {@code listening PORT}).
 */
public final class ScriptedImapUpstream implements AutoCloseable {

    private final List<byte[]> messages = new ArrayList<>();
    private final EventLoopGroup group;
    private final Channel server;

    public ScriptedImapUpstream(int port, int small, int bigMegabytes) throws InterruptedException {
        Random random = new Random(7);
        if (bigMegabytes > 0) {
            messages.add(crlf(MaildirSeeder.message(random, 0, bigMegabytes * 1_000_000)));
        }
        for (int i = 0; i < small; i++) {
            messages.add(crlf(MaildirSeeder.message(random, i + 1, 2_000)));
        }
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(64 * 1024), new Session());
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** The messages with CRLF line ends, as served. */
    List<byte[]> messages() {
        return messages;
    }

    private static byte[] crlf(byte[] lf) {
        String text = new String(lf, StandardCharsets.US_ASCII).replace("\n", "\r\n");
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private final class Session extends SimpleChannelInboundHandler<ByteBuf> {
        private boolean selected;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] scripted upstream ready\r\n");
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            String line = frame.toString(StandardCharsets.ISO_8859_1);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            int sp = line.indexOf(' ');
            if (sp < 0) {
                send(ctx, "* BAD no tag\r\n");
                return;
            }
            String tag = line.substring(0, sp);
            String command = line.substring(sp + 1);
            String upper = command.toUpperCase(Locale.ROOT);
            if (upper.startsWith("LOGIN ")) {
                send(ctx, tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in\r\n");
            } else if (upper.startsWith("CAPABILITY")) {
                send(ctx, "* CAPABILITY IMAP4rev1 UIDPLUS\r\n" + tag + " OK done\r\n");
            } else if (upper.startsWith("SELECT ") || upper.startsWith("EXAMINE ")) {
                selected = true;
                send(ctx, "* FLAGS (\\Seen \\Deleted)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n* "
                        + messages.size() + " EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n* OK [UIDNEXT "
                        + (messages.size() + 1) + "] ok\r\n" + tag + " OK [READ-WRITE] selected\r\n");
            } else if (selected && upper.startsWith("UID FETCH ")) {
                fetch(ctx, tag, command.split(" ")[2], upper.contains("BODY.PEEK[]"));
            } else if (selected && upper.startsWith("UID SEARCH ")) {
                search(ctx, tag, upper.substring("UID SEARCH ".length()).split(" "));
            } else if (selected && upper.startsWith("UID STORE ")) {
                send(ctx, tag + " OK stored\r\n");
            } else if (upper.startsWith("NOOP")) {
                send(ctx, tag + " OK noop\r\n");
            } else if (upper.startsWith("LOGOUT")) {
                ctx.writeAndFlush(ascii("* BYE bye\r\n" + tag + " OK logged out\r\n"))
                        .addListener(f -> ctx.close());
            } else {
                send(ctx, tag + " BAD unknown command\r\n");
            }
        }

        private void fetch(ChannelHandlerContext ctx, String tag, String set, boolean body) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < messages.size(); i++) {
                long uid = i + 1;
                if (!inSet(set, uid, messages.size())) {
                    continue;
                }
                byte[] m = messages.get(i);
                if (body) {
                    ctx.write(ascii("* " + uid + " FETCH (UID " + uid + " BODY[] {" + m.length + "}\r\n"));
                    ctx.write(Unpooled.wrappedBuffer(m));
                    ctx.write(ascii(")\r\n"));
                } else {
                    text.append("* ").append(uid).append(" FETCH (UID ").append(uid).append(" RFC822.SIZE ")
                            .append(m.length).append(" FLAGS ())\r\n");
                }
            }
            send(ctx, text + tag + " OK fetched\r\n");
        }

        /**
         * {@code UID SEARCH [UID set] ALL|DELETED|KEYWORD k}, as the listing cache's plain sync asks
         * on a repeat login: no message is deleted or hidden here, so only ALL finds any.
         */
        private void search(ChannelHandlerContext ctx, String tag, String[] keys) {
            String set = keys.length > 1 && keys[0].equals("UID") ? keys[1] : "1:*";
            boolean all = keys[keys.length - 1].equals("ALL");
            StringBuilder text = new StringBuilder("* SEARCH");
            for (long uid = 1; all && uid <= messages.size(); uid++) {
                if (inSet(set, uid, messages.size())) {
                    text.append(' ').append(uid);
                }
            }
            send(ctx, text + "\r\n" + tag + " OK searched\r\n");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static boolean inSet(String set, long uid, long max) {
        for (String range : set.split(",")) {
            String[] ends = range.split(":");
            long a = ends[0].equals("*") ? max : Long.parseLong(ends[0]);
            long b = ends.length == 1 ? a : ends[1].equals("*") ? max : Long.parseLong(ends[1]);
            if (uid >= Math.min(a, b) && uid <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void send(ChannelHandlerContext ctx, String s) {
        ctx.writeAndFlush(ascii(s));
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int small = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int big = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ScriptedImapUpstream upstream = new ScriptedImapUpstream(port, small, big);
        System.out.println("listening " + upstream.port());
        System.out.flush();
        upstream.server.closeFuture().sync();
    }
}
