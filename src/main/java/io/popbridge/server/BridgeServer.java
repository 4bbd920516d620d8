package io.popbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.popbridge.pop3.CidrRange;
import io.popbridge.pop3.ConnectionLimits;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.Pop3ServerInitializer;
import io.popbridge.pop3.SessionObserver;
import io.popbridge.pop3.TlsMode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POP3 listeners: one accept loop and one worker group for all of them (110 with STLS and 995
 * with implicit TLS can be served at once), whose event loops carry both the client channels and
 * their upstream IMAP channels.
 *
 * <p>{@link #close(Duration)} shuts down gracefully: stop accepting, let open sessions end on their
 * own for the grace period, then cut the rest. A cut session deletes nothing (the POP3 session
 * abandons its mailbox unless it is already applying QUIT, which then completes).
 */
public final class BridgeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);
    /** How long sessions told to end at the deadline get before their connections are closed. */
    private static final Duration CUT_WAIT = Duration.ofSeconds(2);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final List<Channel> serverChannels;
    private final ChannelGroup sessions;
    private final ServerTls tls;
    private final List<Pop3ServerInitializer> initializers;
    private final ConnectionLimits limits;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private BridgeServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, List<Channel> serverChannels,
            ChannelGroup sessions, ServerTls tls, List<Pop3ServerInitializer> initializers, ConnectionLimits limits) {
        this.initializers = List.copyOf(initializers);
        this.limits = limits;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannels = serverChannels;
        this.sessions = sessions;
        this.tls = tls;
    }

    /**
     * Binds one plaintext listener without STLS and starts serving (for tests and embedding;
     * {@link #start(List, ServerTls, Pop3Options, MailboxProvider, int)} is the full form).
     */
    public static BridgeServer start(InetSocketAddress listen, Pop3Options pop3, MailboxProvider provider,
            int workerThreads) throws InterruptedException {
        try {
            return start(List.of(new ListenerConfig(listen, TlsMode.PLAIN, ListenerConfig.DEFAULT_MIN_VERSION)), null,
                    pop3, provider, workerThreads);
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS was asked for", e);
        }
    }

    /** As {@link #start(List, ServerTls, Pop3Options, MailboxProvider, int, List, Function)}, unobserved, no PROXY trust. */
    public static BridgeServer start(List<ListenerConfig> listeners, ServerTls tls, Pop3Options pop3,
            MailboxProvider provider, int workerThreads) throws InterruptedException, SSLException {
        return start(listeners, tls, pop3, provider, workerThreads, List.of(), name -> SessionObserver.NONE);
    }

    /**
     * Binds every listener and starts serving. If {@code tls} is given, its certificate files are
     * watched for changes (every {@link TlsSettings#reloadInterval()}) until {@link #close()}.
     *
     * @param tls the server certificate; required if any listener uses TLS
     * @param workerThreads event loops for sessions; 0 means Netty's default (2 × cores)
     * @param trustedProxies where listeners with {@link ListenerConfig#proxyProtocol()} take PROXY
     *     headers from; required (non-empty) if any does
     * @param observers the session observer of each listener, given its {@link ListenerConfig#name()}
     * @throws InterruptedException if interrupted while binding
     * @throws javax.net.ssl.SSLException if a TLS context cannot be built
     * @throws io.netty.channel.ChannelException (or another exception) if an address cannot be bound;
     *     nothing stays bound then
     */
    public static BridgeServer start(List<ListenerConfig> listeners, ServerTls tls, Pop3Options pop3,
            MailboxProvider provider, int workerThreads, List<CidrRange> trustedProxies,
            Function<String, SessionObserver> observers) throws InterruptedException, SSLException {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: at least one is needed");
        }
        List<Pop3ServerInitializer> initializers = new ArrayList<>();
        // one set of counters for all listeners: the limits are per server, not per listener
        ConnectionLimits limits = new ConnectionLimits(pop3.limits());
        for (ListenerConfig listener : listeners) {
            if (listener.tls() != TlsMode.PLAIN && tls == null) {
                throw new IllegalArgumentException("tls: a certificate is needed for " + listener.tls() + " listeners");
            }
            if (listener.proxyProtocol() && trustedProxies.isEmpty()) {
                throw new IllegalArgumentException("proxy.trusted-networks: needed for the PROXY protocol on "
                        + listener.name());
            }
            Supplier<SslContext> context = listener.tls() == TlsMode.PLAIN ? null : tls.context(listener.protocols());
            initializers.add(new Pop3ServerInitializer(pop3, provider, listener.tls(), context,
                    observers.apply(listener.name()), listener.proxyProtocol() ? trustedProxies : null, limits));
        }
        Transport transport = Transport.chosen();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerThreads, transport.ioHandlerFactory());
        LOG.info("POP3 transport {} with {} event loop(s)", transport.name().toLowerCase(java.util.Locale.ROOT),
                ((MultiThreadIoEventLoopGroup) workers).executorCount());
        ChannelGroup sessions = new DefaultChannelGroup("pop3-sessions", GlobalEventExecutor.INSTANCE);
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < listeners.size(); i++) {
                Pop3ServerInitializer initializer = initializers.get(i);
                channels.add(new ServerBootstrap()
                        .group(boss, workers)
                        .channel(transport.serverChannel())
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                sessions.add(ch); // removed again when it closes
                                ch.pipeline().addLast(initializer);
                            }
                        })
                        .bind(listeners.get(i).address()).sync().channel());
            }
            if (tls != null) {
                tls.watch(boss.next());
            }
            return new BridgeServer(boss, workers, List.copyOf(channels), sessions, tls, initializers, limits);
        } catch (RuntimeException | InterruptedException e) {
            channels.forEach(c -> c.close().awaitUninterruptibly());
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Applies new POP3 settings and limits (a configuration reload) to connections accepted from
     * now on, on every listener; open sessions keep theirs. Connections and logins already counted
     * stay counted against the new limits.
     *
     * @throws IllegalArgumentException if a setting is out of range; nothing is changed then
     */
    public void reconfigure(Pop3Options pop3) {
        for (Pop3ServerInitializer initializer : initializers) {
            initializer.update(pop3); // each validates the same options: the first throws or none does
        }
        limits.update(pop3.limits());
    }

    /** The first listener's bound address (useful when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        return localAddresses().get(0);
    }

    /** Every listener's bound address, in the order configured. */
    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (Channel c : serverChannels) {
            addresses.add((InetSocketAddress) c.localAddress());
        }
        return addresses;
    }

    /** Whether every listener is bound and accepting (false once closing has begun). */
    public boolean listening() {
        return !closing && serverChannels.stream().allMatch(Channel::isActive);
    }

    /** POP3 connections open now. */
    public int openSessions() {
        return sessions.size();
    }

    /** Blocks until {@link #close} has finished (called from another thread). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops at once: {@link #close(Duration)} with no grace period. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    /**
     * Stops accepting, waits up to {@code grace} for open sessions to end, then closes the rest and
     * releases the event loops. Deletes of unfinished sessions are not applied. Idempotent: a
     * second call waits for nothing.
     */
    public void close(Duration grace) {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        try {
            if (tls != null) {
                tls.close();
            }
            serverChannels.forEach(c -> c.close().syncUninterruptibly());
            int open = sessions.size();
            if (open > 0 && !grace.isZero()) {
                LOG.info("stopped accepting POP3 connections; waiting up to {} s for {} open session(s)",
                        grace.toSeconds(), open);
                sessions.newCloseFuture().awaitUninterruptibly(grace.toMillis());
            }
            if (!sessions.isEmpty()) {
                LOG.info("closing {} POP3 session(s) still open; their deletions are not applied", sessions.size());
                // each says goodbye and abandons its mailbox; a session in UPDATE finishes first
                sessions.forEach(c -> c.pipeline().fireUserEventTriggered(Pop3ServerInitializer.SHUTDOWN));
                sessions.newCloseFuture().awaitUninterruptibly(CUT_WAIT.toMillis());
                sessions.close().awaitUninterruptibly();
            }
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        } finally {
            closed.countDown();
        }
    }
}
