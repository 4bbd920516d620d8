package io.popbridge.pop3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one POP3 client connection: line decoder, idle timeout, session.
 *
 * <p>Put it into a {@code ServerBootstrap} as the child handler, together with
 * {@code childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)}
 * (the initializer sets it too). The watermarks bound what a RETR buffers per client: the bridge
 * stops reading upstream while the client channel is not writable.
 *
 * <p>Sharable: one instance serves every connection; it holds only immutable settings.
 */
public final class Pop3ServerInitializer extends ChannelInitializer<SocketChannel> {

    /** Outbound buffering per client: 32 KiB low, 64 KiB high. */
    public static final WriteBufferWaterMark WRITE_BUFFER_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    static final String DECODER = "pop3-lines";
    static final String IDLE = "pop3-idle";
    static final String SESSION = "pop3-session";

    private final Pop3Options options;
    private final MailboxProvider provider;
    private final List<String> capabilities;

    /**
     * @param options the front end's settings, checked here
     * @param provider opens the mailbox once a client has logged in
     * @throws IllegalArgumentException if a setting is out of range (the message names it)
     */
    public Pop3ServerInitializer(Pop3Options options, MailboxProvider provider) {
        this.options = Objects.requireNonNull(options, "options");
        this.provider = Objects.requireNonNull(provider, "provider");
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
        p.addLast(DECODER, new Pop3LineDecoder(options.maxLineLength()));
        p.addLast(IDLE, idleHandler(options.loginTimeout()));
        p.addLast(SESSION, new Pop3Session(options, provider, capabilities,
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
