package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;

/**
 * Turns raw message octets into the body of a POP3 multi-line reply, chunk by chunk (RFC 1939
 * section 3): a '.' at the start of a line gets a second '.', every line ends in CRLF, and
 * {@link #end()} ends the last line if needed and appends the terminating {@code .CRLF}.
 *
 * <p>Line ends: a bare LF becomes CRLF, and so does a bare CR (one not followed by LF). POP3 has no
 * way to transport a lone CR or LF, and treating both as line ends is what a mail client would
 * display; the bridge accounts for it in the advertised size.
 *
 * <p>State carried across chunks: whether the next octet starts a line, and whether the last octet
 * was a CR whose LF may still come. Unchanged runs are forwarded as retained slices of the input;
 * only the inserted octets are new buffers. Not thread-safe; one instance per reply.
 */
final class DotStuffer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] DOT_BYTES = {DOT};
    private static final byte[] LF_BYTES = {LF};
    private static final byte[] CRLF_BYTES = {CR, LF};
    private static final byte[] TERMINATOR = {DOT, CR, LF};
    private static final byte[] CRLF_TERMINATOR = {CR, LF, DOT, CR, LF};
    private static final byte[] LF_TERMINATOR = {LF, DOT, CR, LF};

    private static final int MAX_PIECES = 256;

    private final ByteBufAllocator alloc;
    private boolean atLineStart = true;
    private boolean afterCr;

    DotStuffer(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * Transforms one chunk. Releases {@code chunk}; the caller owns the result (which may be
     * {@code chunk} itself when nothing needed changing, or an empty buffer).
     */
    ByteBuf stuff(ByteBuf chunk) {
        this.chunk = chunk;
        this.out = null;
        this.runStart = chunk.readerIndex();
        this.index = chunk.readerIndex();
        int end = chunk.writerIndex();
        try {
            // One pass with a processor rather than getByte per octet: a leak-aware buffer records
            // every getByte, and the processor loop is what the JIT makes fast.
            chunk.forEachByte(scanner);
            if (out == null) {
                ByteBuf result = chunk;
                this.chunk = null;
                return result;
            }
            if (runStart < end) {
                out.addComponent(true, chunk.retainedSlice(runStart, end - runStart));
            }
            ByteBuf result = out;
            out = null;
            return result;
        } catch (RuntimeException e) {
            if (out != null) {
                out.release();
                out = null;
            }
            throw e;
        } finally {
            if (this.chunk != null) {
                this.chunk.release();
                this.chunk = null;
            }
        }
    }

    /**
     * Octets added so far to make every line end CRLF (bare LF or CR completed, last line ended by
     * {@link #end()}), not counting stuffed dots: input octets plus this is the message size as
     * POP3 sends it, the number LIST must show.
     */
    long lineEndOctetsAdded() {
        return lineEndOctetsAdded;
    }

    private long lineEndOctetsAdded;

    /** Per-chunk scan state: the chunk, the pending output, where the current unchanged run began. */
    private ByteBuf chunk;
    private CompositeByteBuf out;
    private int runStart;
    private int index;

    private final ByteProcessor scanner = b -> {
        int i = index++;
        if (afterCr) {
            afterCr = false;
            if (b == LF) {
                atLineStart = true;
                return true;
            }
            // the CR already went out in a run: complete it to CRLF
            insert(i, LF_BYTES);
            lineEndOctetsAdded++;
            runStart = i;
            atLineStart = true;
        }
        if (b == CR) {
            afterCr = true;
            atLineStart = false;
        } else if (b == LF) {
            insert(i, CRLF_BYTES);
            lineEndOctetsAdded++; // the bare LF is replaced by CRLF
            runStart = i + 1;
            atLineStart = true;
        } else {
            if (b == DOT && atLineStart) {
                insert(i, DOT_BYTES);
                runStart = i;
            }
            atLineStart = false;
        }
        return true;
    };

    /** Adds the unchanged run up to {@code runEnd}, then {@code insert}. */
    private void insert(int runEnd, byte[] insert) {
        out = append(out, chunk, runStart, runEnd, insert);
    }

    /** The octets that end the reply: a line end if the last line is open, then {@code .CRLF}. */
    ByteBuf end() {
        byte[] tail;
        if (afterCr) {
            tail = LF_TERMINATOR;
            lineEndOctetsAdded += 1;
        } else if (atLineStart) {
            tail = TERMINATOR;
        } else {
            tail = CRLF_TERMINATOR;
            lineEndOctetsAdded += 2;
        }
        afterCr = false;
        atLineStart = true;
        return Unpooled.wrappedBuffer(tail.clone());
    }

    private CompositeByteBuf append(CompositeByteBuf out, ByteBuf chunk, int runStart, int runEnd, byte[] insert) {
        if (out == null) {
            // CRLF mail needs no insertions at all; a chunk with very many (bare-LF mail) is
            // consolidated past this many pieces, trading a copy for bounded bookkeeping
            out = alloc.compositeBuffer(MAX_PIECES);
        }
        if (runEnd > runStart) {
            out.addComponent(true, chunk.retainedSlice(runStart, runEnd - runStart));
        }
        // a private copy: a shared array could be written through by a later handler
        out.addComponent(true, Unpooled.wrappedBuffer(insert.clone()));
        return out;
    }
}
