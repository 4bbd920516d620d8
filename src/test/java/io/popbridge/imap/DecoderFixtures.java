package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.popbridge.imap.ImapResponse.BodyChunk;
import io.popbridge.imap.ImapResponse.ProtocolError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Feeds fixtures to {@link ImapResponseDecoder} split at every offset and compares the events. */
final class DecoderFixtures {

    /** The content of adjacent {@link BodyChunk}s, merged, in place of the chunks. */
    record Chunk(String text) {
    }

    private DecoderFixtures() {
    }

    static void assertDecodesAtEverySplit(String input, List<Object> expected, int maxLine, long maxLiteral) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder(maxLine, maxLiteral));
            List<Object> events = new ArrayList<>();
            write(channel, bytes, 0, split, events);
            write(channel, bytes, split, bytes.length, events);
            assertEquals(expected, normalize(events), "split at " + split);
            assertFalse(channel.finish(), "left over after split at " + split);
        }
        EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder(maxLine, maxLiteral));
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            write(channel, bytes, i, i + 1, events);
        }
        assertEquals(expected, normalize(events), "byte by byte");
        assertFalse(channel.finish(), "left over byte by byte");
    }

    private static void write(EmbeddedChannel channel, byte[] bytes, int from, int to, List<Object> events) {
        if (to > from) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, from, to - from));
        }
        for (Object o; (o = channel.readInbound()) != null;) {
            events.add(o);
        }
    }

    /** Merges and releases chunks; hides the "at least n" of incomplete-line errors. */
    static List<Object> normalize(List<Object> events) {
        List<Object> result = new ArrayList<>();
        StringBuilder chunk = null;
        for (Object e : events) {
            if (e instanceof BodyChunk c) {
                ByteBuf content = c.content();
                chunk = chunk == null ? new StringBuilder() : chunk;
                chunk.append(content.toString(StandardCharsets.ISO_8859_1));
                c.release();
                continue;
            }
            if (chunk != null) {
                result.add(new Chunk(chunk.toString()));
                chunk = null;
            }
            if (e instanceof ProtocolError p) {
                result.add(new ProtocolError(p.message().replaceAll("at least \\d+", "at least N")));
            } else {
                result.add(e);
            }
        }
        if (chunk != null) {
            result.add(new Chunk(chunk.toString()));
        }
        return result;
    }

    static String literal(String content) {
        return "{" + content.length() + "}\r\n" + content;
    }
}
