package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.popbridge.fuzz.FuzzInputs;
import io.popbridge.fuzz.FuzzTries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzes {@link Pop3LineDecoder} with arbitrary octets split at arbitrary points. The decoder has
 * no exceptions of its own: bad input becomes {@link Pop3LineDecoder.Event}s. So: nothing is ever
 * thrown, every input buffer is released, the output does not depend on the split, every line is
 * within the limit and carries no line end, nothing follows {@code INPUT_FLOOD}, and input whose
 * lines are all within the limit decodes to exactly those lines.
 */
@AddLifecycleHook(FuzzTries.class)
class Pop3LineDecoderFuzzTest {

    private static final List<String> TOKENS = List.of("USER ", "PASS ", "RETR ", "DELE ", "TOP ", "UIDL", "LIST",
            "QUIT", "CAPA", "AUTH PLAIN ", "STLS", " ", "\r\n", "\n", "\r", ".", "1", "\u00ff", "\u0000",
            "x".repeat(40), "y".repeat(255), "z".repeat(300), "w".repeat(9000));

    @Provide
    Arbitrary<byte[]> input() {
        return Arbitraries.oneOf(FuzzInputs.rawBytes(2000), FuzzInputs.tokenSoup(TOKENS, 40));
    }

    @Property
    void anySplitOfAnyInputDecodesTheSameWithoutThrowingOrLeaking(@ForAll("input") byte[] input,
            @ForAll("splits") List<Integer> splits, @ForAll @IntRange(min = 1, max = 300) int maxLine) {
        List<Object> whole = decode(List.of(input), maxLine);
        List<Object> split = decode(FuzzInputs.pieces(input, splits), maxLine);
        assertEquals(whole, split, "output depends on how the input was split");

        int flood = split.indexOf(Pop3LineDecoder.Event.INPUT_FLOOD);
        assertTrue(flood < 0 || flood == split.size() - 1, "output after INPUT_FLOOD: " + split);
        for (Object o : split) {
            if (o instanceof String line) {
                assertTrue(line.length() <= maxLine, "line over the limit: " + line.length());
                assertFalse(line.indexOf('\n') >= 0, "line contains LF");
            }
        }
        List<String> model = linesIfAllShort(input, maxLine);
        if (model != null) {
            assertEquals(model, split);
        }
    }

    @Provide
    Arbitrary<List<Integer>> splits() {
        return FuzzInputs.splits();
    }

    /** The LF-terminated lines (one trailing CR dropped) if all fit the limit, else null. */
    private static List<String> linesIfAllShort(byte[] input, int maxLine) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < input.length; i++) {
            if (input[i] == '\n') {
                int end = i > start && input[i - 1] == '\r' ? i - 1 : i;
                if (end - start > maxLine) {
                    return null;
                }
                lines.add(new String(input, start, end - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        // an unterminated tail is held back; it must not be long enough to be judged yet
        return input.length - start < maxLine + 2 ? lines : null;
    }

    /** Feeds the pieces, returns every output; asserts that every input buffer was released. */
    private static List<Object> decode(List<byte[]> pieces, int maxLine) {
        EmbeddedChannel channel = new EmbeddedChannel(new Pop3LineDecoder(maxLine));
        List<ByteBuf> inputs = new ArrayList<>();
        List<Object> out = new ArrayList<>();
        for (byte[] piece : pieces) {
            if (!channel.isOpen()) {
                break; // closed after INPUT_FLOOD: a real channel would not read more either
            }
            ByteBuf buf = Unpooled.directBuffer(piece.length).writeBytes(piece);
            inputs.add(buf);
            channel.writeInbound(buf);
            drain(channel, out);
        }
        channel.finish();
        drain(channel, out);
        for (ByteBuf buf : inputs) {
            assertEquals(0, buf.refCnt(), "input buffer not released");
        }
        return out;
    }

    private static void drain(EmbeddedChannel channel, List<Object> out) {
        for (Object o; (o = channel.readInbound()) != null;) {
            assertTrue(o instanceof String || o instanceof Pop3LineDecoder.Event, "unexpected output " + o);
            out.add(o);
        }
    }
}
