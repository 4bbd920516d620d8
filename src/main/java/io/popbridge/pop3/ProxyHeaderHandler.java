package io.popbridge.pop3;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the PROXY protocol header (v1 or v2, decoded by Netty's {@code HAProxyMessageDecoder}
 * in front of it), records the client address it carries, then puts the POP3 handlers in its
 * place and lets them start the session (the greeting goes out only now). A malformed header, or
 * none within the login timeout, closes the connection without a word.
 *
 * <p>A {@code LOCAL} command (a proxy's own health check) or an address family without an IP
 * address keeps the socket peer as the client address.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderHandler.class);

    private final Duration timeout;
    private final Consumer<Channel> pop3Handlers;
    private final Runnable onRefused;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /** @param onRefused runs when the connection is closed for a bad or missing header */
    ProxyHeaderHandler(Duration timeout, Consumer<Channel> pop3Handlers, Runnable onRefused) {
        this.onRefused = onRefused;
        this.timeout = timeout;
        this.pop3Handlers = pop3Handlers;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!timeout.isZero()) {
            deadline = ctx.executor().schedule(() -> {
                if (!done) {
                    done = true;
                    LOG.debug("no PROXY header from {} in time; closing", ctx.channel().remoteAddress());
                    onRefused.run();
                    ctx.close();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // the session starts once the header is in; nothing downstream exists yet
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        InetSocketAddress client;
        try {
            client = clientAddress(header);
        } finally {
            header.release();
        }
        done = true;
        if (client != null) {
            ctx.channel().attr(ClientAddress.PROXIED).set(client);
        }
        pop3Handlers.accept(ctx.channel());
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }

    private static InetSocketAddress clientAddress(HAProxyMessage header) {
        if (header.command() != HAProxyCommand.PROXY || header.sourceAddress() == null
                || header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                        && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(header.sourceAddress());
        return address == null ? null : new InetSocketAddress(address, header.sourcePort());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("bad PROXY header from {}; closing: {}", ctx.channel().remoteAddress(), cause.toString());
        if (!done && cause instanceof DecoderException) {
            onRefused.run();
        }
        done = true;
        ctx.close();
    }
}
