package io.popbridge.pop3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the pipeline of one POP3 client connection: TLS (implicit-TLS listeners; STLS adds it
 * later), line decoder, idle timeout, session.
 *
 * <p>Put it into a {@code ServerBootstrap} as the child handler, together with
 * {@code childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)}
 * (the initializer sets it too). The watermarks bound what a RETR buffers per client: the bridge
 * stops reading upstream while the client channel is not writable.
 *
 * <p>Sharable: one instance serves every connection. The TLS context is read from the supplier for
 * every new connection (and every STLS), so a reloaded certificate applies to new connections
 * while open sessions keep theirs.
 *
 * <p>PROXY protocol (v1 and v2), where enabled: a connection from outside the trusted proxy
 * networks is closed at once; from inside, the header's source address becomes the client
 * address (session log, {@link SessionContext#clientAddress()}, cleartext policy) and the
 * greeting follows the header. Without it, a {@code PROXY} line is an unknown command.
 */
public final class Pop3ServerInitializer extends ChannelInitializer<SocketChannel> {

    /** Outbound buffering per client: 32 KiB low, 64 KiB high. */
    public static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    static final String DECODER = "pop3-lines";
    static final String IDLE = "pop3-idle";
    static final String SESSION = "pop3-session";
    static final String TLS = "pop3-tls";
    static final String SENT = "pop3-sent";
    static final String PROXY = "pop3-proxy";

    private static final Logger LOG = LoggerFactory.getLogger(Pop3ServerInitializer.class);

    /**
     * Fire this user event into a session's pipeline to end it for a server shutdown: it answers
     * {@code -ERR [SYS/TEMP]} (unless a reply is being streamed) and closes, abandoning the mailbox;
     * a session applying QUIT (UPDATE) ignores it and finishes.
     */
    public static final Object SHUTDOWN = new Object() {
        @Override
        public String toString() {
            return "pop3-shutdown";
        }
    };

    /** The settings for new connections; replaced as a whole by {@link #update}. */
    private volatile Settings settings;
    private final MailboxProvider provider;
    private final TlsMode mode;
    private final Supplier<SslContext> tls;
    private final SessionObserver observer;
    private final List<CidrRange> trustedProxies;
    private final ChannelHandler sentCounter;
    private final ConnectionLimits limits;

    /**
     * A plaintext listener without STLS, as {@code (options, provider, TlsMode.PLAIN, null)}.
     *
     * @throws IllegalArgumentException if a setting is out of range (the message names it)
     */
    public Pop3ServerInitializer(Pop3Options options, MailboxProvider provider) {
        this(options, provider, TlsMode.PLAIN, null);
    }

    /**
     * @param options the front end's settings, checked here
     * @param provider opens the mailbox once a client has logged in
     * @param mode how the listener uses TLS
     * @param tls the server TLS context (server mode), read for each new connection and each STLS;
     *     required unless {@code mode} is {@link TlsMode#PLAIN}
     * @throws IllegalArgumentException if a setting is out of range (the message names it)
     */
    public Pop3ServerInitializer(Pop3Options options, MailboxProvider provider, TlsMode mode,
            Supplier<SslContext> tls) {
        this(options, provider, mode, tls, SessionObserver.NONE, null);
    }

    /**
     * As {@link #Pop3ServerInitializer(Pop3Options, MailboxProvider, TlsMode, Supplier)}, plus:
     *
     * @param observer told about sessions, logins, commands and octets sent
     * @param trustedProxies null for no PROXY protocol; else the networks a PROXY header is taken
     *     from (at least one): connections from elsewhere are closed before the greeting
     */
    public Pop3ServerInitializer(Pop3Options options, MailboxProvider provider, TlsMode mode,
            Supplier<SslContext> tls, SessionObserver observer, List<CidrRange> trustedProxies) {
        this(options, provider, mode, tls, observer, trustedProxies, new ConnectionLimits(options.limits()));
    }

    /**
     * As above, counting connections and sessions in {@code limits}: pass the same instance to
     * every listener of a server so that the limits apply to all of them together.
     */
    public Pop3ServerInitializer(Pop3Options options, MailboxProvider provider, TlsMode mode,
            Supplier<SslContext> tls, SessionObserver observer, List<CidrRange> trustedProxies,
            ConnectionLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.observer = Objects.requireNonNull(observer, "observer");
        if (trustedProxies != null && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("trustedProxies: PROXY protocol needs at least one trusted network");
        }
        this.trustedProxies = trustedProxies == null ? null : List.copyOf(trustedProxies);
        this.sentCounter = new SentCounter(observer);
        this.provider = Objects.requireNonNull(provider, "provider");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (mode != TlsMode.PLAIN && tls == null) {
            throw new IllegalArgumentException("tls: a TLS context is needed for " + mode);
        }
        this.tls = mode == TlsMode.PLAIN ? null : tls;
        this.settings = Settings.of(options);
    }

    /**
     * Uses {@code options} for connections accepted from now on (a configuration reload); open
     * connections keep the settings they started with. The connection limits are shared, so the
     * caller updates them once on the {@link ConnectionLimits}.
     *
     * @throws IllegalArgumentException if a setting is out of range; the old settings then stay
     */
    public void update(Pop3Options options) {
        this.settings = Settings.of(options);
    }

    /** The options and the CAPA lines built from them, checked. */
    private record Settings(Pop3Options options, List<String> capabilities) {
        static Settings of(Pop3Options options) {
            Objects.requireNonNull(options, "options");
            if (options.maxLineLength() < 1) {
                throw new IllegalArgumentException("maxLineLength must be positive: " + options.maxLineLength());
            }
            if (options.maxBadCommands() < 0) {
                throw new IllegalArgumentException("maxBadCommands must not be negative: " + options.maxBadCommands());
            }
            requireNotNegative(options.idleTimeout(), "idleTimeout");
            requireNotNegative(options.loginTimeout(), "loginTimeout");
            return new Settings(options, Pop3Capabilities.of(options, AuthorizationCommands.TABLE,
                    TransactionCommands.TABLE));
        }
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setWriteBufferWaterMark(WRITE_BUFFER_WATER_MARK);
        configure(ch);
    }

    /** Adds the handlers; separate from {@link #initChannel} so that tests can use any channel. */
    void configure(Channel ch) {
        Settings current = settings;
        if (trustedProxies == null) {
            addPop3Handlers(ch, current);
            return;
        }
        if (!trustedProxy(ch.remoteAddress())) {
            LOG.info("connection from {} refused: not in proxy.trusted-networks", ch.remoteAddress());
            observer.connectionRefused("untrusted_proxy");
            ch.close();
            return;
        }
        ch.pipeline().addLast(new HAProxyMessageDecoder());
        ch.pipeline().addLast(PROXY, new ProxyHeaderHandler(current.options().loginTimeout(),
                channel -> addPop3Handlers(channel, current),
                () -> observer.connectionRefused("bad_proxy_header")));
    }

    private boolean trustedProxy(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        for (CidrRange network : trustedProxies) {
            if (network.contains(inet.getAddress())) {
                return true;
            }
        }
        return false;
    }

    private void addPop3Handlers(Channel ch, Settings current) {
        Pop3Options options = current.options();
        ChannelPipeline p = ch.pipeline();
        if (mode == TlsMode.IMPLICIT_TLS) {
            p.addLast(TLS, tls.get().newHandler(ch.alloc()));
        }
        p.addLast(SENT, sentCounter);
        p.addLast(DECODER, new Pop3LineDecoder(options.maxLineLength(),
                Math.max(options.maxLineLength(), Pop3Options.MAX_AUTH_LINE_LENGTH)));
        p.addLast(IDLE, idleHandler(options.loginTimeout()));
        p.addLast(SESSION, new Pop3Session(options, provider, current.capabilities(),
                mode == TlsMode.PLAIN_STLS ? tls : null,
                ctx -> ctx.pipeline().replace(IDLE, IDLE, idleHandler(options.idleTimeout())), observer, limits));
    }

    private static void requireNotNegative(Duration d, String setting) {
        Objects.requireNonNull(d, setting);
        if (d.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative (zero disables it): " + d);
        }
    }

    private static IdleStateHandler idleHandler(Duration timeout) {
        // all-idle: neither a command read nor a write completed (a stalled RETR counts as idle)
        return new IdleStateHandler(0, 0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts reply octets as they are written (after the session, before TLS). */
    @ChannelHandler.Sharable
    private static final class SentCounter extends ChannelOutboundHandlerAdapter {
        private final SessionObserver observer;

        SentCounter(SessionObserver observer) {
            this.observer = observer;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf buf) {
                observer.sent(buf.readableBytes());
            } else if (msg instanceof ByteBufHolder holder) {
                observer.sent(holder.content().readableBytes());
            }
            ctx.write(msg, promise);
        }
    }
}
