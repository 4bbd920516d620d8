package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LineEndScanner} finds exactly what a plain octet-by-octet search finds. */
class LineEndScannerTest {

    private static int naive(ByteBuf buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf.getByte(i);
            if (b == '\r' || b == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Test
    void wordScanFindsTheFirstLineEndAtEveryPositionAndAlignment() {
        byte[] octets = new byte[40];
        for (int hit = 0; hit < octets.length; hit++) {
            for (byte end : new byte[] {'\r', '\n'}) {
                java.util.Arrays.fill(octets, (byte) 'a');
                octets[hit] = end;
                if (hit + 3 < octets.length) {
                    octets[hit + 3] = '\n'; // a later one must not win
                }
                for (int from = 0; from <= hit; from++) {
                    assertEquals(hit, LineEndScanner.scan(octets, from, octets.length), "hit " + hit + " from " + from);
                }
                assertEquals(-1, LineEndScanner.scan(octets, 0, hit));
            }
        }
        // octets that differ from CR or LF by one bit, or are 0x80 + CR/LF, are not line ends
        byte[] near = {0x0C, 0x0E, 0x0B, 0x08, (byte) 0x8A, (byte) 0x8D, 0x2A, 0x4D, 0x00, (byte) 0xFF, 0x09, 0x0F};
        assertEquals(-1, LineEndScanner.scan(near, 0, near.length));
    }

    @Test
    void agreesWithANaiveSearchOverHeapDirectSlicedAndCompositeBuffers() {
        Random random = new Random(42);
        for (int round = 0; round < 120; round++) {
            int length = random.nextInt(round % 10 == 0 ? 100_000 : 3_000);
            byte[] octets = new byte[length];
            int density = 1 + random.nextInt(round % 3 == 0 ? 20_000 : 80);
            for (int i = 0; i < length; i++) {
                int r = random.nextInt(density);
                octets[i] = r == 0 ? (byte) '\n' : r == 1 ? (byte) '\r' : (byte) (32 + random.nextInt(200));
            }
            ByteBuf[] buffers = {
                Unpooled.wrappedBuffer(octets),
                PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(octets),
                Unpooled.wrappedBuffer(new byte[7], octets).slice(7, length),
                Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(octets, 0, length / 2),
                        Unpooled.directBuffer(length - length / 2).writeBytes(octets, length / 2, length - length / 2)),
            };
            for (ByteBuf buf : buffers) {
                try {
                    LineEndScanner scanner = new LineEndScanner();
                    scanner.reset(buf);
                    int to = buf.writerIndex();
                    int from = buf.readerIndex();
                    while (from < to) {
                        int expected = naive(buf, from, to);
                        assertEquals(expected, scanner.next(from, to), "round " + round + " from " + from);
                        if (expected < 0) {
                            break;
                        }
                        assertEquals(buf.getByte(expected), scanner.octet(expected));
                        from = expected + 1 + random.nextInt(3);
                    }
                    int a = buf.readerIndex() + (length == 0 ? 0 : random.nextInt(length));
                    int b = a + random.nextInt(to - a + 1);
                    assertEquals(naive(buf, a, b), scanner.next(a, b), "range");
                } finally {
                    buf.release();
                }
            }
        }
    }
}
