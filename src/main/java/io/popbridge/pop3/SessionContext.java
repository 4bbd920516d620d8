package io.popbridge.pop3;

import io.netty.channel.EventLoop;
import java.net.SocketAddress;

/**
 * What a mailbox provider may know about the POP3 session it serves.
 *
 * @param eventLoop the client channel's event loop: the upstream connection must live on it
 * @param clientAddress the POP3 client's address (for logs and limits)
 * @param secure whether the client connection is encrypted
 */
public record SessionContext(EventLoop eventLoop, SocketAddress clientAddress, boolean secure) {
}
