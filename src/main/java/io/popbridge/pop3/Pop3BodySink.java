package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/**
 * Writes one RETR or TOP reply to the client: {@code +OK}, the dot-stuffed body, the final dot.
 *
 * <p>Once the client connection is gone every later {@link #write} just releases its chunk (the
 * session abandons the mailbox, which stops the producer). After {@code end} or {@code fail},
 * further calls are ignored (chunks released); a {@code write} or {@code end} without
 * {@code begin} implies it.
 */
final class Pop3BodySink implements BodySink {

    private final Pop3Session session;
    private final ChannelHandlerContext ctx;
    private final String okLine;
    private final boolean top;
    private final DotStuffer stuffer;
    private boolean began;
    private boolean done;
    private long bytes;

    Pop3BodySink(Pop3Session session, ChannelHandlerContext ctx, String okLine, boolean top) {
        this.session = session;
        this.ctx = ctx;
        this.okLine = okLine;
        this.top = top;
        this.stuffer = new DotStuffer(ctx.alloc());
    }

    @Override
    public void begin() {
        if (began || done) {
            return;
        }
        began = true;
        if (ctx.channel().isActive()) {
            session.writeLine(okLine);
            ctx.flush();
        }
    }

    @Override
    public void write(ByteBuf chunk) {
        if (done || !ctx.channel().isActive()) {
            chunk.release();
            return;
        }
        if (!began) {
            // out of order, but the octets are the message: dropping them would send a wrong one
            begin();
        }
        bytes += chunk.readableBytes();
        ctx.writeAndFlush(stuffer.stuff(chunk)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void end() {
        if (done) {
            return;
        }
        if (!began) {
            // end without begin breaks the contract; an empty body is the only honest reading
            begin();
        }
        done = true;
        if (ctx.channel().isActive()) {
            ctx.write(stuffer.end()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        session.bodyFinished(top, bytes);
    }

    @Override
    public long messageOctets() {
        return done ? bytes + stuffer.lineEndOctetsAdded() : -1;
    }

    @Override
    public void fail(MailboxException cause) {
        if (done) {
            return;
        }
        done = true;
        session.bodyFailed(began, cause);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void whenWritable(Runnable task) {
        session.whenWritable(task);
    }
}
