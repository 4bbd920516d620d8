package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class Pop3LineDecoderTest {

    private static final int MAX = 255;

    static Stream<Arguments> fixtures() {
        String ok255 = "X".repeat(MAX);
        String long256 = "Y".repeat(MAX + 1);
        String veryLong = "Z".repeat(3000);
        return Stream.of(
                Arguments.of("crlf", "USER bob\r\nPASS secret\r\n", List.of("USER bob", "PASS secret")),
                Arguments.of("bareLf", "USER bob\nNOOP\n", List.of("USER bob", "NOOP")),
                Arguments.of("emptyLine", "\r\n\nNOOP\r\n", List.of("", "", "NOOP")),
                Arguments.of("maxLengthIsAccepted", ok255 + "\r\n", List.of(ok255)),
                Arguments.of("maxLengthBareLf", ok255 + "\n", List.of(ok255)),
                Arguments.of("oneOverMaxIsTooLongThenNextWorks", long256 + "\r\nNOOP\r\n",
                        List.of(Pop3LineDecoder.Event.LINE_TOO_LONG, "NOOP")),
                Arguments.of("oneOverMaxBareLf", long256 + "\nNOOP\n",
                        List.of(Pop3LineDecoder.Event.LINE_TOO_LONG, "NOOP")),
                Arguments.of("longLineDiscardedUpToLf", veryLong + "\r\nQUIT\r\n",
                        List.of(Pop3LineDecoder.Event.LINE_TOO_LONG, "QUIT")),
                Arguments.of("crInsideLineIsKept", "A\rB\r\n", List.of("A\rB")),
                Arguments.of("octetsSurviveAsLatin1", "PASS p\u00e4\u00df \u00ff\r\n", List.of("PASS p\u00e4\u00df \u00ff")),
                Arguments.of("partialLastLineWaits", "NOOP\r\nSTA", List.of("NOOP")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everySplitYieldsTheSameLines(String name, String input, List<Object> expected) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new Pop3LineDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length)));
            assertEquals(expected, drain(ch), "split at " + split);
            assertTrue(ch.isOpen(), "split at " + split);
            assertFalse(ch.finish());
        }
    }

    @Test
    void everyByteSeparatelyYieldsTheSameLines() {
        byte[] bytes = ("USER a\r\n" + "B".repeat(300) + "\nNOOP\r\n").getBytes(StandardCharsets.ISO_8859_1);
        EmbeddedChannel ch = new EmbeddedChannel(new Pop3LineDecoder(MAX));
        for (byte b : bytes) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(List.of("USER a", Pop3LineDecoder.Event.LINE_TOO_LONG, "NOOP"), drain(ch));
        assertFalse(ch.finish());
    }

    @Test
    void noLineFeedWithinDiscardLimitClosesTheConnection() {
        byte[] bytes = ("NOOP\r\n" + "A".repeat(Pop3LineDecoder.DISCARD_LIMIT + MAX + 10) + "\r\nNOOP\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split += 97) {
            EmbeddedChannel ch = new EmbeddedChannel(new Pop3LineDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split)));
            if (ch.isOpen()) {
                ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length)));
            }
            assertEquals(List.of("NOOP", Pop3LineDecoder.Event.LINE_TOO_LONG, Pop3LineDecoder.Event.INPUT_FLOOD),
                    drain(ch), "split at " + split);
            assertFalse(ch.isOpen(), "split at " + split);
            assertFalse(ch.finish());
        }
    }

    @Test
    void longLineJustWithinDiscardLimitDoesNotClose() {
        byte[] bytes = ("A".repeat(Pop3LineDecoder.DISCARD_LIMIT - 1) + "\r\nNOOP\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split += 61) {
            EmbeddedChannel ch = new EmbeddedChannel(new Pop3LineDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, 0, split)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, split, bytes.length)));
            assertEquals(List.of(Pop3LineDecoder.Event.LINE_TOO_LONG, "NOOP"), drain(ch), "split at " + split);
            assertTrue(ch.isOpen());
            assertFalse(ch.finish());
        }
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null;) {
            out.add(o);
        }
        return out;
    }

    @Test
    void linesBetweenTheTwoLimitsAreLongLinesAtEverySplit() {
        String auth = "AUTH PLAIN " + "A".repeat(600);
        String tooLong = "B".repeat(1025);
        byte[] input = (auth + "\r\nNOOP\r\n" + tooLong + "\r\nQUIT\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= input.length; split += 7) {
            EmbeddedChannel ch = new EmbeddedChannel(new Pop3LineDecoder(MAX, 1024));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, 0, split)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(input, split, input.length)));
            List<Object> out = new ArrayList<>();
            for (Object o; (o = ch.readInbound()) != null;) {
                out.add(o);
            }
            assertEquals(List.of(new Pop3LineDecoder.LongLine(auth), "NOOP", Pop3LineDecoder.Event.LINE_TOO_LONG, "QUIT"),
                    out, "split at " + split);
            assertFalse(ch.finish());
        }
    }

    @Test
    void discardBufferedDropsWhatFollowsTheCurrentLine() {
        List<Object> seen = new ArrayList<>();
        Pop3LineDecoder decoder = new Pop3LineDecoder(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                seen.add(msg);
                if ("STLS".equals(msg)) {
                    decoder.discardBuffered();
                }
            }
        });
        ch.writeInbound(Unpooled.copiedBuffer("NOOP\r\nSTLS\r\nCAPA\r\nUSER x\r\nPA", StandardCharsets.US_ASCII));
        assertEquals(List.of("NOOP", "STLS"), seen);
        ch.writeInbound(Unpooled.copiedBuffer("QUIT\r\n", StandardCharsets.US_ASCII));
        assertEquals(List.of("NOOP", "STLS", "QUIT"), seen);
        assertFalse(ch.finish());
    }
}
