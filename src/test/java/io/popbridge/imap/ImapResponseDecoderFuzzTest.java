package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.popbridge.fuzz.FuzzInputs;
import io.popbridge.fuzz.FuzzTries;
import io.popbridge.imap.ImapResponse.BodyChunk;
import io.popbridge.imap.ImapResponse.BodyEnd;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.FetchEnd;
import io.popbridge.imap.ImapResponse.FetchStart;
import io.popbridge.imap.ImapResponse.ProtocolError;
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
 * Fuzzes {@link ImapResponseDecoder} with arbitrary octets and IMAP-token soup split at arbitrary
 * points. The decoder's only error is the {@link ProtocolError} event (after which it is silent):
 * nothing may be thrown, every input buffer and every body chunk is released, the events do not
 * depend on the split, body chunks only occur between {@link BodyStart} and {@link BodyEnd} and add
 * up to the announced size, and FETCH events nest properly.
 */
@AddLifecycleHook(FuzzTries.class)
class ImapResponseDecoderFuzzTest {

    private static final List<String> TOKENS = List.of("* ", "A1 ", "+ ", "OK ", "NO ", "BAD ", "BYE ", "PREAUTH ",
            "FETCH ", "(", ")", "[", "]", "<", ">", " ", "\r\n", "\n", "\r", "\"", "\\", "{", "}", "~{", "+}",
            "{0}\r\n", "{3}\r\n", "{5+}\r\n", "~{2}\r\n", "{99999999999999999999}\r\n", "NIL", "UID ", "RFC822.SIZE ",
            "FLAGS ", "(\\Seen $POP3Deleted)", "BODY[] ", "BODY[HEADER] ", "BODY[TEXT]<0> ", "BODY[1.2.MIME] ",
            "RFC822 ", "RFC822.HEADER ", "BINARY[] ", "MODSEQ (5) ", "INTERNALDATE \"01-Jan-2020 00:00:00 +0000\" ",
            "ENVELOPE ", "BODYSTRUCTURE ", "EXISTS", "EXPUNGE", "RECENT", "CAPABILITY ", "SEARCH ", "ESEARCH ",
            "[UIDVALIDITY 3]", "[PERMANENTFLAGS (\\*)]", "[CAPABILITY IMAP4rev1]", "[ALERT]", "VANISHED (EARLIER) ",
            "1:*", "4294967295", "18446744073709551616", "\u00e9", "\u0000", "abc");

    @Provide
    Arbitrary<byte[]> input() {
        return Arbitraries.oneOf(FuzzInputs.rawBytes(1500), FuzzInputs.tokenSoup(TOKENS, 60));
    }

    @Provide
    Arbitrary<List<Integer>> splits() {
        return FuzzInputs.splits();
    }

    @Property
    void anySplitOfAnyInputDecodesTheSameWithoutThrowingOrLeaking(@ForAll("input") byte[] input,
            @ForAll("splits") List<Integer> splits, @ForAll @IntRange(min = 8, max = 2000) int maxLine,
            @ForAll @IntRange(min = 0, max = 5000) int maxLiteral) {
        List<Object> whole = decode(List.of(input), maxLine, maxLiteral);
        List<Object> split = decode(FuzzInputs.pieces(input, splits), maxLine, maxLiteral);
        assertEquals(whole, split, "events depend on how the input was split");
    }

    /**
     * Feeds the pieces; checks the event stream's structure; returns it normalized (chunks merged
     * and released). Asserts that every input buffer was released.
     */
    private static List<Object> decode(List<byte[]> pieces, int maxLine, long maxLiteral) {
        EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder(maxLine, maxLiteral));
        List<ByteBuf> inputs = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        try {
            for (byte[] piece : pieces) {
                ByteBuf buf = Unpooled.directBuffer(piece.length).writeBytes(piece);
                inputs.add(buf);
                channel.writeInbound(buf);
                drain(channel, events);
            }
            channel.finish();
            drain(channel, events);
            checkStructure(events);
        } finally {
            // release chunks even when an assertion failed, so one failure does not cascade into leaks
            List<Object> normalized = DecoderFixtures.normalize(events);
            events.clear();
            events.addAll(normalized);
        }
        for (ByteBuf buf : inputs) {
            assertEquals(0, buf.refCnt(), "input buffer not released");
        }
        return events;
    }

    private static void drain(EmbeddedChannel channel, List<Object> out) {
        for (Object o; (o = channel.readInbound()) != null;) {
            out.add(o);
        }
    }

    private static void checkStructure(List<Object> events) {
        boolean inFetch = false;
        long bodyLeft = -1; // -1: not inside a body literal
        for (int i = 0; i < events.size(); i++) {
            Object e = events.get(i);
            assertTrue(e instanceof ImapResponse, "not an ImapResponse: " + e);
            if (e instanceof ProtocolError) {
                assertEquals(events.size() - 1, i, "events after ProtocolError: " + events);
            } else if (e instanceof BodyChunk chunk) {
                assertTrue(bodyLeft > 0, "body chunk outside a body literal");
                assertTrue(chunk.content().readableBytes() > 0, "empty body chunk");
                bodyLeft -= chunk.content().readableBytes();
                assertTrue(bodyLeft >= 0, "body chunks exceed the announced size");
            } else if (e instanceof BodyStart start) {
                assertTrue(inFetch && bodyLeft < 0, "BodyStart outside a FETCH or inside a body");
                bodyLeft = Math.max(0, start.size());
            } else if (e instanceof BodyEnd) {
                assertEquals(0, bodyLeft, "BodyEnd before the announced size arrived");
                bodyLeft = -1;
            } else if (e instanceof FetchStart) {
                assertTrue(!inFetch, "nested FetchStart");
                inFetch = true;
            } else if (e instanceof FetchEnd) {
                assertTrue(inFetch && bodyLeft < 0, "FetchEnd outside a FETCH or inside a body");
                inFetch = false;
            } else {
                assertTrue(bodyLeft < 0, "event inside a body literal: " + e);
                if (!(e instanceof ImapResponse.FetchAttribute)) {
                    assertTrue(!inFetch, "response inside a FETCH: " + e);
                }
            }
        }
    }
}
