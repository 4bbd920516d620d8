package io.popbridge.pop3;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.SocketAddress;

/**
 * The client's address as a session sees it: the socket peer, or the source address from a PROXY
 * protocol header when the listener takes one from a trusted proxy.
 */
final class ClientAddress {

    /** Set on a channel whose client address came from a PROXY header. */
    static final AttributeKey<SocketAddress> PROXIED = AttributeKey.valueOf(ClientAddress.class, "proxied");

    private ClientAddress() {
    }

    static SocketAddress of(Channel channel) {
        SocketAddress proxied = channel.attr(PROXIED).get();
        return proxied != null ? proxied : channel.remoteAddress();
    }

    static boolean proxied(Channel channel) {
        return channel.attr(PROXIED).get() != null;
    }
}
