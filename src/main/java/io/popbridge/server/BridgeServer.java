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
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The POP3 listener: one accept loop and a worker group whose event loops carry both the client
 * channels and their upstream IMAP channels.
 */
public final class BridgeServer implements AutoCloseable {

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private BridgeServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving.
     *
     * @param workerThreads event loops for sessions; 0 means Netty's default (2 × cores)
     * @throws InterruptedException if interrupted while binding
     * @throws io.netty.channel.ChannelException (or another exception) if the address cannot be bound
     */
    public static BridgeServer start(InetSocketAddress listen, Pop3Options pop3, MailboxProvider provider,
            int workerThreads) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pop3ServerInitializer.WRITE_BUFFER_WATER_MARK)
                    .childHandler(new Pop3ServerInitializer(pop3, provider))
                    .bind(listen).sync().channel();
            return new BridgeServer(boss, workers, channel);
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound address (useful when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Blocks until the listener has been closed (by {@link #close()}, from another thread). */
    public void awaitClosed() throws InterruptedException {
        serverChannel.closeFuture().sync();
    }

    /** Stops accepting and closes every session; deletes of unfinished sessions are not applied. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
