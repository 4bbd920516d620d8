package io.popbridge.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/**
 * The socket transport of the POP3 listeners and their event loops: Linux's native epoll where
 * Netty's native library loads (fewer copies and system calls per read and write than the JDK's
 * selector), else the JDK's NIO. Upstream IMAP connections follow the loop they are made on
 * ({@code ImapClient.socketChannelFor}). The JVM property {@code popbridge.transport}
 * ({@code auto}, the default; {@code nio}; {@code epoll}) overrides the choice, e.g. to rule the
 * native transport out while diagnosing.
 */
enum Transport {
    NIO, EPOLL;

    static final String PROPERTY = "popbridge.transport";

    /** The transport chosen by {@link #PROPERTY}; a bad value or an unavailable epoll throws. */
    static Transport chosen() {
        return choose(System.getProperty(PROPERTY, "auto"), Epoll.isAvailable());
    }

    static Transport choose(String setting, boolean epollAvailable) {
        switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return epollAvailable ? EPOLL : NIO;
            case "nio":
                return NIO;
            case "epoll":
                if (!epollAvailable) {
                    throw new IllegalStateException("-D" + PROPERTY + "=epoll: the native epoll transport is not available"
                            + " here (" + Epoll.unavailabilityCause() + ")");
                }
                return EPOLL;
            default:
                throw new IllegalStateException("-D" + PROPERTY + ": expected auto, nio or epoll, got '" + setting + "'");
        }
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
