package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DotStufferTest {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("emptyBody", "", ".\r\n"),
                Arguments.of("plainCrlf", "a\r\nb\r\n", "a\r\nb\r\n.\r\n"),
                Arguments.of("noFinalCrlf", "a\r\nb", "a\r\nb\r\n.\r\n"),
                Arguments.of("bareLf", "a\nb\n", "a\r\nb\r\n.\r\n"),
                Arguments.of("bareCr", "a\rb\r", "a\r\nb\r\n.\r\n"),
                Arguments.of("bareCrThenCrlf", "a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"),
                Arguments.of("lfCr", "a\n\rb", "a\r\n\r\nb\r\n.\r\n"),
                Arguments.of("dotAtStart", ".a\r\n", "..a\r\n.\r\n"),
                Arguments.of("terminatorLikeLine", "a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
                Arguments.of("doubleDot", "..\r\n", "...\r\n.\r\n"),
                Arguments.of("dotAfterBareLf", "a\n.b", "a\r\n..b\r\n.\r\n"),
                Arguments.of("dotAfterBareCr", "a\r.b", "a\r\n..b\r\n.\r\n"),
                Arguments.of("dotInsideLineUntouched", "a.b\r\nc..\r\n", "a.b\r\nc..\r\n.\r\n"),
                Arguments.of("onlyDot", ".", "..\r\n.\r\n"),
                Arguments.of("emptyLines", "\r\n\n\r", "\r\n\r\n\r\n.\r\n"),
                Arguments.of("eightBit", "\u00e4\u00ff\r\n.\u0000\r\n", "\u00e4\u00ff\r\n..\u0000\r\n.\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everySplitGivesTheSameOutput(String name, String input, String expected) {
        byte[] in = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int a = 0; a <= in.length; a++) {
            for (int b = a; b <= in.length; b++) {
                assertEquals(expected, run(in, a, b), "split at " + a + "," + b);
            }
        }
    }

    @Test
    void dotAtChunkBoundaryIsStuffed() {
        byte[] in = "a\r\n.b".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("a\r\n..b\r\n.\r\n", run(in, 3, 3));
    }

    @Test
    void crAndLfSplitAcrossChunksStayOneLineEnd() {
        byte[] in = "a\r\nb".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("a\r\nb\r\n.\r\n", run(in, 2, 2));
    }

    @Test
    void unchangedChunkIsForwardedAsIs() {
        DotStuffer stuffer = new DotStuffer(ALLOC);
        ByteBuf chunk = ALLOC.buffer().writeBytes("abc\r\ndef\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteBuf out = stuffer.stuff(chunk);
        assertSame(chunk, out);
        assertEquals(1, out.refCnt());
        out.release();
        stuffer.end().release();
    }

    @Test
    void inputChunksAreReleasedAndSlicesShareTheirMemory() {
        DotStuffer stuffer = new DotStuffer(ALLOC);
        ByteBuf chunk = ALLOC.buffer().writeBytes("ab\n.cd".getBytes(StandardCharsets.US_ASCII));
        ByteBuf out = stuffer.stuff(chunk);
        // only the composite's two retained slices keep the chunk alive: no copies were made
        assertEquals(2, chunk.refCnt());
        assertEquals("ab\r\n..cd", out.toString(StandardCharsets.US_ASCII));
        out.release();
        assertEquals(0, chunk.refCnt());
        stuffer.end().release();
    }

    @Test
    void chunkWithMoreInsertionsThanPiecesStaysExact() {
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            in.append(".l").append(i).append('\n');
            expected.append("..l").append(i).append("\r\n");
        }
        byte[] bytes = in.toString().getBytes(StandardCharsets.US_ASCII);
        assertEquals(expected + ".\r\n", run(bytes, bytes.length, bytes.length));
        assertEquals(expected + ".\r\n", run(bytes, 7, bytes.length / 2));
    }

    @Test
    void randomInputsMatchAReferenceAtRandomSplits() {
        java.util.Random random = new java.util.Random(1939);
        byte[] alphabet = {'.', '\r', '\n', 'a', 'b'};
        for (int round = 0; round < 500; round++) {
            byte[] in = new byte[random.nextInt(40)];
            for (int i = 0; i < in.length; i++) {
                in[i] = alphabet[random.nextInt(alphabet.length)];
            }
            int a = random.nextInt(in.length + 1);
            int b = a + random.nextInt(in.length - a + 1);
            assertEquals(reference(in), run(in, a, b), new String(in, StandardCharsets.ISO_8859_1));
        }
    }

    /** The transform stated plainly: split into lines at CRLF, CR or LF, stuff, join with CRLF. */
    private static String reference(byte[] in) {
        String s = new String(in, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start < s.length()) {
            int lf = s.indexOf('\n', start);
            String line = lf < 0 ? s.substring(start) : s.substring(start, lf);
            out.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            start = lf < 0 ? s.length() : lf + 1;
        }
        return out.append(".\r\n").toString();
    }

    /** Feeds in[0,a), in[a,b), in[b,end) and returns everything produced; asserts all released. */
    private static String run(byte[] in, int a, int b) {
        DotStuffer stuffer = new DotStuffer(ALLOC);
        List<ByteBuf> inputs = List.of(copy(in, 0, a), copy(in, a, b), copy(in, b, in.length));
        List<ByteBuf> outputs = new ArrayList<>();
        for (ByteBuf chunk : inputs) {
            outputs.add(stuffer.stuff(chunk));
        }
        outputs.add(stuffer.end());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf out : outputs) {
            byte[] o = new byte[out.readableBytes()];
            out.getBytes(out.readerIndex(), o);
            bytes.writeBytes(o);
            out.release();
        }
        for (ByteBuf chunk : inputs) {
            assertEquals(0, chunk.refCnt());
        }
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    private static ByteBuf copy(byte[] in, int from, int to) {
        return ALLOC.buffer(Math.max(1, to - from)).writeBytes(in, from, to - from);
    }
}
