package io.popbridge.pop3;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STLS upgrade (RFC 2595 section 4) and TLS state queries on a session's pipeline.
 *
 * <p>The upgrade order is what keeps plaintext out of TLS: drop the lines queued behind STLS and
 * the octets the line decoder still holds, send the {@code +OK} in plaintext and flush it (it is
 * then past the pipeline), and only then put the {@link SslHandler} first. Whatever arrives
 * afterwards must be a TLS record or the handshake fails and the connection closes.
 */
final class StartTls {

    private static final Logger LOG = LoggerFactory.getLogger(StartTls.class);

    private StartTls() {
    }

    /**
     * Upgrades the connection of {@code ctx}; {@code pending} is the session's queue of decoded but
     * unexecuted input (released here), {@code reply} writes the {@code +OK}. Event loop only.
     */
    static void upgrade(ChannelHandlerContext ctx, SslContext context, Queue<Object> pending, Runnable reply) {
        int dropped = 0;
        for (Object msg; (msg = pending.poll()) != null;) {
            ReferenceCountUtil.release(msg);
            dropped++;
        }
        Pop3LineDecoder decoder = ctx.pipeline().get(Pop3LineDecoder.class);
        if (decoder != null) {
            decoder.discardBuffered();
        }
        if (dropped > 0) {
            LOG.info("pop3 STLS: discarded {} line(s) the client sent after STLS in plaintext", dropped);
        }
        reply.run();
        ctx.flush();
        ctx.pipeline().addFirst(Pop3ServerInitializer.TLS, context.newHandler(ctx.alloc()));
    }

    /** Whether TLS is up: a handler is in place and its handshake succeeded. */
    static boolean secure(ChannelPipeline pipeline) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        return ssl != null && ssl.handshakeFuture().isSuccess();
    }

    /** Whether a handshake is in progress: nothing but TLS records may arrive. */
    static boolean handshaking(ChannelPipeline pipeline) {
        SslHandler ssl = pipeline.get(SslHandler.class);
        return ssl != null && !ssl.handshakeFuture().isDone();
    }
}
