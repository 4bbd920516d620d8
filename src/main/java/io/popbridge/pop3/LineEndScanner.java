package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF in a {@link ByteBuf}, eight octets at a time. The buffer's octets are
 * read through a window: its backing array when it has one, else a copy of up to
 * {@value #WINDOW} octets into a per-thread scratch array (one bulk copy, the fastest way out of
 * a direct or pooled buffer; calling {@link ByteBuf#indexOf} per line costs a bounds and
 * accessibility check and a byte-order lookup per call through Netty's derived buffers). Nothing
 * of the buffer is changed or retained. Not thread-safe; the scratch array is per event-loop
 * thread, so one scanner must not be used across threads.
 */
final class LineEndScanner {

    static final int WINDOW = 16 * 1024;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[WINDOW];
        }
    };

    private ByteBuf buf;
    /** The window: octets [start, end) of buf are array[offset + (i - start)]. */
    private byte[] array;
    private int offset;
    private int start;
    private int end;

    /** Scans {@code buf} from now on (null: forget the last one). */
    void reset(ByteBuf buf) {
        this.buf = buf;
        this.array = null;
        this.start = 0;
        this.end = 0;
    }

    /** The index of the first CR or LF in [from, to), or -1. */
    int next(int from, int to) {
        int at = from;
        while (at < to) {
            if (at < start || at >= end) {
                load(at, to);
            }
            int limit = Math.min(to, end);
            int found = scan(array, offset + (at - start), offset + (limit - start));
            if (found >= 0) {
                return start + (found - offset);
            }
            at = limit;
        }
        return -1;
    }

    /** The octet at {@code index} (through the window when it covers it). */
    byte octet(int index) {
        return index >= start && index < end ? array[offset + (index - start)] : buf.getByte(index);
    }

    private void load(int from, int to) {
        if (buf.hasArray()) {
            array = buf.array();
            offset = buf.arrayOffset() + buf.readerIndex(); // array index of octet `start`
            start = buf.readerIndex();
            end = buf.writerIndex();
            return;
        }
        byte[] scratch = SCRATCH.get();
        int length = Math.min(WINDOW, to - from);
        buf.getBytes(from, scratch, 0, length);
        array = scratch;
        offset = 0;
        start = from;
        end = from + length;
    }

    /** The array index of the first CR or LF in array[from, to), or -1. */
    static int scan(byte[] array, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long word = (long) LONGS.get(array, i);
            long cr = word ^ CRS;
            long lf = word ^ LFS;
            long hits = ((cr - ONES) & ~cr | (lf - ONES) & ~lf) & HIGHS;
            if (hits != 0) {
                return i + (Long.numberOfTrailingZeros(hits) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte b = array[i];
            if (b == '\r' || b == '\n') {
                return i;
            }
        }
        return -1;
    }
}
