package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

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
 * was a CR whose LF may still come. The scan jumps from line end to line end with a
 * {@link LineEndScanner} (eight octets at a time over a copied window, one pass for CR and LF) and
 * looks only at the octet after each line end. Unchanged runs are forwarded as retained slices
 * of the input, and the inserted octets are shared read-only direct constants, so nothing is
 * copied; a chunk needing very many insertions (bare-LF mail) is copied once into one flat buffer
 * instead. Not thread-safe; one instance per reply.
 */
final class DotStuffer {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] TERMINATOR = {DOT, CR, LF};
    private static final byte[] CRLF_TERMINATOR = {CR, LF, DOT, CR, LF};
    private static final byte[] LF_TERMINATOR = {LF, DOT, CR, LF};

    /**
     * Inserted octets: read-only (a later handler cannot write through them), unreleasable (a
     * composite releasing its components leaves them alone) and direct (so a composite of direct
     * slices stays direct and the transport does not copy it).
     */
    private static final ByteBuf DOT_BUF = constant(DOT);
    private static final ByteBuf LF_BUF = constant(LF);
    private static final ByteBuf CRLF_BUF = constant(CR, LF);

    /** Components in one chunk's composite before switching to a single flat copy. */
    private static final int MAX_PIECES = 256;

    private final ByteBufAllocator alloc;
    private final LineEndScanner lineEnds = new LineEndScanner();
    private boolean atLineStart = true;
    private boolean afterCr;
    private long lineEndOctetsAdded;

    /** Per-chunk state: the chunk, the pending output (composite or flat), where the current run began. */
    private ByteBuf chunk;
    private CompositeByteBuf out;
    private ByteBuf flat;
    private int runStart;

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
        this.flat = null;
        int end = chunk.writerIndex();
        int pos = chunk.readerIndex();
        this.runStart = pos;
        try {
            if (afterCr && pos < end) {
                afterCr = false;
                atLineStart = true;
                if (chunk.getByte(pos) == LF) {
                    pos++;
                } else {
                    // the CR already went out with the last chunk: complete it to CRLF
                    insert(pos, LF_BUF);
                    lineEndOctetsAdded++;
                }
            }
            lineEnds.reset(chunk);
            while (pos < end) {
                if (atLineStart) {
                    atLineStart = false;
                    if (chunk.getByte(pos) == DOT) {
                        insert(pos, DOT_BUF);
                        runStart = pos;
                    }
                }
                int eol = lineEnds.next(pos, end);
                if (eol < 0) {
                    break; // the rest is one open line
                }
                if (lineEnds.octet(eol) == LF) {
                    // bare LF (a CR before it would have been found first): replace it by CRLF
                    insert(eol, CRLF_BUF);
                    lineEndOctetsAdded++;
                    runStart = eol + 1;
                    pos = eol + 1;
                    atLineStart = true;
                } else if (eol + 1 == end) {
                    afterCr = true; // its LF may start the next chunk
                    pos = end;
                } else if (lineEnds.octet(eol + 1) == LF) {
                    pos = eol + 2;
                    atLineStart = true;
                } else {
                    // bare CR: complete it to CRLF
                    insert(eol + 1, LF_BUF);
                    lineEndOctetsAdded++;
                    runStart = eol + 1;
                    pos = eol + 1;
                    atLineStart = true;
                }
            }
            if (flat != null) {
                flat.writeBytes(chunk, runStart, end - runStart);
                ByteBuf result = flat;
                flat = null;
                return result;
            }
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
            if (flat != null) {
                flat.release();
                flat = null;
            }
            throw e;
        } finally {
            lineEnds.reset(null);
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

    /** Adds the unchanged run from {@code runStart} up to {@code runEnd}, then {@code insert}. */
    private void insert(int runEnd, ByteBuf insert) {
        if (flat == null && out != null && out.numComponents() + 2 > MAX_PIECES) {
            // bare-LF mail: one copy of the chunk beats ever more bookkeeping (and the composite's
            // own repeated consolidation past its component limit)
            int remaining = chunk.writerIndex() - runStart;
            flat = alloc.buffer(out.readableBytes() + remaining + remaining / 16 + 16);
            flat.writeBytes(out);
            out.release();
            out = null;
        }
        if (flat != null) {
            flat.writeBytes(chunk, runStart, runEnd - runStart);
            flat.writeBytes(insert, insert.readerIndex(), insert.readableBytes());
            return;
        }
        if (out == null) {
            out = alloc.compositeBuffer(MAX_PIECES);
        }
        if (runEnd > runStart) {
            out.addComponent(true, chunk.retainedSlice(runStart, runEnd - runStart));
        }
        // a duplicate so that no reader ever moves the shared constant's own indices
        out.addComponent(true, insert.duplicate());
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

    private static ByteBuf constant(byte... octets) {
        ByteBuffer direct = ByteBuffer.allocateDirect(octets.length).put(octets).flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct.asReadOnlyBuffer()));
    }
}
