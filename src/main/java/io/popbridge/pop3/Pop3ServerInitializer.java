package io.popbridge.pop3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
 */
public final class Pop3ServerInitializer extends ChannelInitializer<SocketChannel> {

    /** Outbound buffering per client: 32 KiB low, 64 KiB high. */
    public static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    static final String DECODER = "pop3-lines";
    static final String IDLE = "pop3-idle";
    static final String SESSION = "pop3-session";
    static final String TLS = "pop3-tls";

    private final Pop3Options options;
    private final MailboxProvider provider;
    private final List<String> capabilities;
    private final TlsMode mode;
    private final Supplier<SslContext> tls;

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
        this.options = Objects.requireNonNull(options, "options");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (mode != TlsMode.PLAIN && tls == null) {
            throw new IllegalArgumentException("tls: a TLS context is needed for " + mode);
        }
        this.tls = mode == TlsMode.PLAIN ? null : tls;
        if (options.maxLineLength() < 1) {
            throw new IllegalArgumentException("maxLineLength must be positive: " + options.maxLineLength());
        }
        if (options.maxBadCommands() < 0) {
            throw new IllegalArgumentException("maxBadCommands must not be negative: " + options.maxBadCommands());
        }
        requireNotNegative(options.idleTimeout(), "idleTimeout");
        requireNotNegative(options.loginTimeout(), "loginTimeout");
        this.capabilities = Pop3Capabilities.of(options, AuthorizationCommands.TABLE, TransactionCommands.TABLE);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setWriteBufferWaterMark(WRITE_BUFFER_WATER_MARK);
        configure(ch);
    }

    /** Adds the handlers; separate from {@link #initChannel} so that tests can use any channel. */
    void configure(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (mode == TlsMode.IMPLICIT_TLS) {
            p.addLast(TLS, tls.get().newHandler(ch.alloc()));
        }
        p.addLast(DECODER, new Pop3LineDecoder(options.maxLineLength(),
                Math.max(options.maxLineLength(), Pop3Options.MAX_AUTH_LINE_LENGTH)));
        p.addLast(IDLE, idleHandler(options.loginTimeout()));
        p.addLast(SESSION, new Pop3Session(options, provider, capabilities,
                mode == TlsMode.PLAIN_STLS ? tls : null,
                ctx -> ctx.pipeline().replace(IDLE, IDLE, idleHandler(options.idleTimeout()))));
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
}
