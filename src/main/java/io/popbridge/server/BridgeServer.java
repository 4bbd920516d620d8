package io.popbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.popbridge.pop3.MailboxProvider;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.pop3.Pop3ServerInitializer;
import io.netty.handler.ssl.SslContext;
import io.popbridge.pop3.TlsMode;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The POP3 listeners: one accept loop and one worker group for all of them (110 with STLS and 995
 * with implicit TLS can be served at once), whose event loops carry both the client channels and
 * their upstream IMAP channels.
 */
public final class BridgeServer implements AutoCloseable {

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final List<Channel> serverChannels;
    private final ServerTls tls;

    private BridgeServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, List<Channel> serverChannels,
            ServerTls tls) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannels = serverChannels;
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

    /**
     * Binds every listener and starts serving. If {@code tls} is given, its certificate files are
     * watched for changes (every {@link TlsSettings#reloadInterval()}) until {@link #close()}.
     *
     * @param tls the server certificate; required if any listener uses TLS
     * @param workerThreads event loops for sessions; 0 means Netty's default (2 × cores)
     * @throws InterruptedException if interrupted while binding
     * @throws javax.net.ssl.SSLException if a TLS context cannot be built
     * @throws io.netty.channel.ChannelException (or another exception) if an address cannot be bound;
     *     nothing stays bound then
     */
    public static BridgeServer start(List<ListenerConfig> listeners, ServerTls tls, Pop3Options pop3,
            MailboxProvider provider, int workerThreads) throws InterruptedException, SSLException {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: at least one is needed");
        }
        List<Pop3ServerInitializer> initializers = new ArrayList<>();
        for (ListenerConfig listener : listeners) {
            if (listener.tls() != TlsMode.PLAIN && tls == null) {
                throw new IllegalArgumentException("tls: a certificate is needed for " + listener.tls() + " listeners");
            }
            Supplier<SslContext> context = listener.tls() == TlsMode.PLAIN ? null : tls.context(listener.protocols());
            initializers.add(new Pop3ServerInitializer(pop3, provider, listener.tls(), context));
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < listeners.size(); i++) {
                channels.add(new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)
                        .childHandler(initializers.get(i))
                        .bind(listeners.get(i).address()).sync().channel());
            }
            if (tls != null) {
                tls.watch(boss.next());
            }
            return new BridgeServer(boss, workers, List.copyOf(channels), tls);
        } catch (RuntimeException | InterruptedException e) {
            channels.forEach(c -> c.close().awaitUninterruptibly());
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
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

    /** Blocks until every listener has been closed (by {@link #close()}, from another thread). */
    public void awaitClosed() throws InterruptedException {
        for (Channel c : serverChannels) {
            c.closeFuture().sync();
        }
    }

    /** Stops accepting and closes every session; deletes of unfinished sessions are not applied. */
    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
        serverChannels.forEach(c -> c.close().syncUninterruptibly());
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
