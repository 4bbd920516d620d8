package io.popbridge.imap;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import java.net.InetSocketAddress;

/**
 * Non-blocking DNS for upstream connects. Netty's default resolver calls
 * {@code InetAddress.getByName} on the event loop, where one slow answer would stall every session
 * sharing that loop; these resolvers query asynchronously (honouring /etc/hosts and
 * /etc/resolv.conf) and cache answers per their TTL.
 *
 * <p>One group per transport for the whole process: it is a cache of resolvers keyed by event loop,
 * created on first use and never mutated otherwise.
 */
final class Resolvers {

    private Resolvers() {
    }

    private static final class Nio {
        static final AddressResolverGroup<InetSocketAddress> GROUP = new DnsAddressResolverGroup(
                NioDatagramChannel.class, DnsServerAddressStreamProviders.platformDefault());
    }

    private static final class Epoll {
        static final AddressResolverGroup<InetSocketAddress> GROUP = new DnsAddressResolverGroup(
                EpollDatagramChannel.class, DnsServerAddressStreamProviders.platformDefault());
    }

    static AddressResolverGroup<InetSocketAddress> forLoop(EventLoop loop) {
        if (loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class)) {
            return Epoll.GROUP;
        }
        return Nio.GROUP;
    }
}
