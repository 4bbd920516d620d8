package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DotStuffer} against a plain reference (split into lines at CRLF, CR or LF; stuff; join
 * with CRLF) over random messages cut into random chunks of every kind of buffer the bridge sees:
 * pooled direct, heap, and slices of a larger buffer (as the IMAP decoder hands them on). Checks
 * the output octets, the size accounting, and that every input buffer is released exactly once
 * (the build runs tests with Netty's PARANOID leak detector).
 */
class DotStufferDifferentialTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    @Test
    void randomMessagesAtRandomChunkingsMatchTheReference() {
        SplittableRandom random = new SplittableRandom(1939);
        byte[][] alphabets = {
            {'.', '\r', '\n', 'a', 'b'}, // dense: line ends and dots everywhere
            {'.', '\r', '\n', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', ' ', (byte) 0xE4, 0},
        };
        for (int round = 0; round < 1500; round++) {
            byte[] in = randomMessage(random, alphabets[round % alphabets.length], random.nextInt(round % 10 == 0 ? 5000 : 200));
            check(in, random);
        }
    }

    @Test
    void realisticMailAtRandomChunkingsMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(1725);
        for (int round = 0; round < 200; round++) {
            String[] eols = {"\r\n", "\n", "\r"};
            StringBuilder text = new StringBuilder();
            int lines = random.nextInt(1, 600);
            for (int i = 0; i < lines; i++) {
                if (random.nextInt(8) == 0) {
                    text.append(random.nextBoolean() ? "." : "..");
                }
                text.append("line ").append(i).append(" of some mail".repeat(random.nextInt(4)));
                // mostly one line-end style, sometimes mixed
                text.append(random.nextInt(20) == 0 ? eols[random.nextInt(3)] : eols[round % 3]);
            }
            if (random.nextBoolean()) {
                text.append(".open last line");
            }
            check(text.toString().getBytes(StandardCharsets.ISO_8859_1), random);
        }
    }

    private static byte[] randomMessage(SplittableRandom random, byte[] alphabet, int length) {
        byte[] in = new byte[length];
        for (int i = 0; i < in.length; i++) {
            in[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return in;
    }

    private static void check(byte[] in, SplittableRandom random) {
        List<ByteBuf> inputs = new ArrayList<>();
        List<ByteBuf> parents = new ArrayList<>();
        List<ByteBuf> owned = new ArrayList<>(); // inputs with their own count: 0 once released
        int pos = 0;
        while (pos < in.length || inputs.isEmpty() || random.nextInt(10) == 0) {
            int max = random.nextInt(4) == 0 ? 4 : 300;
            int len = Math.min(in.length - pos, random.nextInt(max + 1)); // empty chunks too
            inputs.add(chunk(in, pos, len, random, parents, owned));
            pos += len;
        }
        String text = new String(in, StandardCharsets.ISO_8859_1);
        try {
            DotStuffer stuffer = new DotStuffer(ALLOC);
            ByteArrayOutputStream produced = new ByteArrayOutputStream();
            for (ByteBuf chunk : inputs) {
                drain(stuffer.stuff(chunk), produced);
            }
            drain(stuffer.end(), produced);
            assertEquals(reference(in), produced.toString(StandardCharsets.ISO_8859_1), text);
            assertEquals(normalised(in).length() - in.length, stuffer.lineEndOctetsAdded(), text);
            for (ByteBuf chunk : owned) {
                assertEquals(0, chunk.refCnt(), text);
            }
            for (ByteBuf parent : parents) {
                // a plain slice shares its parent's count: only the parent's owner holds it now
                assertEquals(1, parent.refCnt(), text);
            }
        } finally {
            for (ByteBuf parent : parents) {
                parent.release(parent.refCnt());
            }
        }
    }

    private static ByteBuf chunk(byte[] in, int from, int len, SplittableRandom random, List<ByteBuf> parents,
            List<ByteBuf> owned) {
        switch (random.nextInt(4)) {
            case 0:
                return own(owned, ALLOC.directBuffer(Math.max(1, len)).writeBytes(in, from, len));
            case 1:
                return own(owned, Unpooled.buffer(Math.max(1, len)).writeBytes(in, from, len));
            case 2: {
                // a retained slice in the middle of a larger pooled buffer, like a decoder's literal
                ByteBuf parent = ALLOC.directBuffer(len + 20).writeZero(7).writeBytes(in, from, len).writeZero(13);
                parents.add(parent);
                return own(owned, parent.retainedSlice(7, len));
            }
            default: {
                // a slice of a slice, with octets around it that must not be read
                ByteBuf parent = Unpooled.buffer(len + 4).writeByte('.').writeByte('\n').writeBytes(in, from, len)
                        .writeByte('\r').writeByte('.');
                parents.add(parent);
                return parent.slice(1, len + 2).slice(1, len).retain();
            }
        }
    }

    private static ByteBuf own(List<ByteBuf> owned, ByteBuf buf) {
        owned.add(buf);
        return buf;
    }

    private static void drain(ByteBuf out, ByteArrayOutputStream to) {
        byte[] octets = new byte[out.readableBytes()];
        out.getBytes(out.readerIndex(), octets);
        to.writeBytes(octets);
        out.release();
    }

    /** Every line end made CRLF, the last line ended; no stuffing. */
    private static String normalised(byte[] in) {
        String s = new String(in, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace('\r', '\n');
        if (!s.isEmpty() && !s.endsWith("\n")) {
            s += "\n";
        }
        return s.replace("\n", "\r\n");
    }

    /** The reply body the reference way: stuff every line of the normalised text, then ".CRLF". */
    private static String reference(byte[] in) {
        String s = normalised(in);
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start < s.length()) {
            int end = s.indexOf("\r\n", start) + 2;
            String line = s.substring(start, end);
            out.append(line.startsWith(".") ? "." : "").append(line);
            start = end;
        }
        return out.append(".\r\n").toString();
    }
}
