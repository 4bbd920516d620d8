package io.popbridge.imap;

import static io.popbridge.imap.DecoderFixtures.assertDecodesAtEverySplit;
import static io.popbridge.imap.DecoderFixtures.literal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.popbridge.imap.DecoderFixtures.Chunk;
import io.popbridge.imap.ImapResponse.BodyEnd;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.Continuation;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.FetchEnd;
import io.popbridge.imap.ImapResponse.FetchStart;
import io.popbridge.imap.ImapResponse.ProtocolError;
import io.popbridge.imap.ImapResponse.ResponseCode;
import io.popbridge.imap.ImapResponse.Status;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;
import io.popbridge.imap.ImapValue.Atom;
import io.popbridge.imap.ImapValue.ListValue;
import io.popbridge.imap.ImapValue.Nil;
import io.popbridge.imap.ImapValue.Str;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImapResponseDecoderTest {

    private static final String BODY = "ab)c\r\n{5}\r\nxyz\r\n* 1 FETCH (\r\nend";

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                arguments("greeting with capability code",
                        "* OK [CAPABILITY IMAP4rev1 LITERAL+ IDLE] Dovecot ready.\r\n",
                        List.of(untaggedStatus("OK", code("CAPABILITY", atom("IMAP4rev1"), atom("LITERAL+"),
                                atom("IDLE")), "Dovecot ready."))),
                arguments("capability response then tagged OK",
                        "* CAPABILITY IMAP4rev1 UIDPLUS MOVE\r\nA1 OK done\r\n",
                        List.of(new Untagged(-1, "CAPABILITY", List.of(atom("IMAP4rev1"), atom("UIDPLUS"),
                                atom("MOVE")), null, null), new Tagged("A1", Status.OK, null, "done"))),
                arguments("select responses with codes",
                        "* 172 EXISTS\r\n* 1 RECENT\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
                                + "* OK [UIDNEXT 4392] Predicted\r\n"
                                + "* FLAGS (\\Answered \\Seen $Label)\r\n"
                                + "* OK [PERMANENTFLAGS (\\Seen \\*)] Limited\r\n"
                                + "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
                                + "A142 OK [READ-ONLY] EXAMINE completed\r\n",
                        List.of(new Untagged(172, "EXISTS", List.of(), null, null),
                                new Untagged(1, "RECENT", List.of(), null, null),
                                untaggedStatus("OK", code("UIDVALIDITY", atom("3857529045")), "UIDs valid"),
                                untaggedStatus("OK", code("UIDNEXT", atom("4392")), "Predicted"),
                                new Untagged(-1, "FLAGS", List.of(list(atom("\\Answered"), atom("\\Seen"),
                                        atom("$Label"))), null, null),
                                untaggedStatus("OK", code("PERMANENTFLAGS", list(atom("\\Seen"), atom("\\*"))),
                                        "Limited"),
                                untaggedStatus("OK", code("HIGHESTMODSEQ", atom("715194045007")), "Highest"),
                                new Tagged("A142", Status.OK, code("READ-ONLY"), "EXAMINE completed"))),
                arguments("QRESYNC: VANISHED (EARLIER), VANISHED, a FETCH with MODSEQ, NOMODSEQ",
                        "* VANISHED (EARLIER) 41,43:116,118\r\n* VANISHED 405\r\n"
                                + "* 49 FETCH (UID 117 FLAGS (\\Seen) MODSEQ (90060115194045001))\r\n"
                                + "* OK [NOMODSEQ] Sorry\r\n",
                        List.of(new Untagged(-1, "VANISHED", List.of(list(atom("EARLIER")), atom("41,43:116,118")),
                                        null, null),
                                new Untagged(-1, "VANISHED", List.of(atom("405")), null, null),
                                new FetchStart(49), attr("UID", atom("117")), attr("FLAGS", list(atom("\\Seen"))),
                                attr("MODSEQ", list(atom("90060115194045001"))), FetchEnd.INSTANCE,
                                untaggedStatus("OK", code("NOMODSEQ"), "Sorry"))),
                arguments("ENABLED, SEARCH and ESEARCH",
                        "* ENABLED QRESYNC\r\n* SEARCH 2 84 882\r\n* ESEARCH (TAG \"A282\") UID ALL 43:45,47\r\n",
                        List.of(new Untagged(-1, "ENABLED", List.of(atom("QRESYNC")), null, null),
                                new Untagged(-1, "SEARCH", List.of(atom("2"), atom("84"), atom("882")), null, null),
                                new Untagged(-1, "ESEARCH", List.of(list(atom("TAG"), new Str("A282".getBytes(
                                        StandardCharsets.US_ASCII))), atom("UID"), atom("ALL"), atom("43:45,47")),
                                        null, null))),
                arguments("fetch of uid, size and flags",
                        "* 12 FETCH (UID 5 RFC822.SIZE 44827 FLAGS (\\Seen $Label))\r\n",
                        List.of(new FetchStart(12), attr("UID", atom("5")), attr("RFC822.SIZE", atom("44827")),
                                attr("FLAGS", list(atom("\\Seen"), atom("$Label"))), FetchEnd.INSTANCE)),
                arguments("fetch with a body literal containing CRLF, ')' and a literal marker",
                        "* 1 FETCH (UID 7 BODY[] " + literal(BODY) + " FLAGS (\\Seen))\r\n",
                        List.of(new FetchStart(1), attr("UID", atom("7")),
                                new BodyStart("BODY[]", "", -1, BODY.length()), new Chunk(BODY), BodyEnd.INSTANCE,
                                attr("FLAGS", list(atom("\\Seen"))), FetchEnd.INSTANCE)),
                arguments("partial header fetch",
                        "* 2 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> " + literal("0123456789") + " UID 9)\r\n",
                        List.of(new FetchStart(2), new BodyStart("BODY[HEADER.FIELDS (FROM TO)]<0>",
                                "HEADER.FIELDS (FROM TO)", 0, 10), new Chunk("0123456789"), BodyEnd.INSTANCE,
                                attr("UID", atom("9")), FetchEnd.INSTANCE)),
                arguments("empty body literal",
                        "* 2 FETCH (RFC822 {0}\r\n)\r\n",
                        List.of(new FetchStart(2), new BodyStart("RFC822", null, -1, 0), BodyEnd.INSTANCE,
                                FetchEnd.INSTANCE)),
                arguments("binary literal8",
                        "* 1 FETCH (BINARY[1] ~{3}\r\na\0c)\r\n",
                        List.of(new FetchStart(1), new BodyStart("BINARY[1]", "1", -1, 3), new Chunk("a\0c"),
                                BodyEnd.INSTANCE, FetchEnd.INSTANCE)),
                arguments("NIL body",
                        "* 3 FETCH (UID 4 BODY[] NIL)\r\n",
                        List.of(new FetchStart(3), attr("UID", atom("4")), new BodyStart("BODY[]", "", -1, -1),
                                BodyEnd.INSTANCE, FetchEnd.INSTANCE)),
                arguments("quoted body",
                        "* 3 FETCH (BODY[TEXT] \"hi \\\"x\\\"\")\r\n",
                        List.of(new FetchStart(3), new BodyStart("BODY[TEXT]", "TEXT", -1, 6), new Chunk("hi \"x\""),
                                BodyEnd.INSTANCE, FetchEnd.INSTANCE)),
                arguments("quoted strings with escapes",
                        "* LIST (\\HasNoChildren) \"/\" \"a \\\"b\\\" \\\\c\"\r\n",
                        List.of(new Untagged(-1, "LIST", List.of(list(atom("\\HasNoChildren")), Str.of("/"),
                                Str.of("a \"b\" \\c")), null, null))),
                arguments("nested lists with a small literal",
                        "* 4 FETCH (ENVELOPE (\"date\" " + literal("sub)j") + " ((\"n\" NIL \"u\" \"h\")) NIL) UID 3)\r\n",
                        List.of(new FetchStart(4), attr("ENVELOPE", list(Str.of("date"), Str.of("sub)j"),
                                list(list(Str.of("n"), Nil.NIL, Str.of("u"), Str.of("h"))), Nil.NIL)),
                                attr("UID", atom("3")), FetchEnd.INSTANCE)),
                arguments("untagged noise between responses",
                        "* 5 FETCH (FLAGS (\\Seen))\r\n* 3 EXPUNGE\r\n* 1 FETCH (UID 7 BODY[] {3}\r\nabc)\r\nA5 OK done\r\n",
                        List.of(new FetchStart(5), attr("FLAGS", list(atom("\\Seen"))), FetchEnd.INSTANCE,
                                new Untagged(3, "EXPUNGE", List.of(), null, null),
                                new FetchStart(1), attr("UID", atom("7")), new BodyStart("BODY[]", "", -1, 3),
                                new Chunk("abc"), BodyEnd.INSTANCE, FetchEnd.INSTANCE,
                                new Tagged("A5", Status.OK, null, "done"))),
                arguments("continuation requests",
                        "+ Ready for literal\r\n+\r\n",
                        List.of(new Continuation("Ready for literal"), new Continuation(""))),
                arguments("tagged NO with a response code",
                        "A2 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n",
                        List.of(new Tagged("A2", Status.NO, code("AUTHENTICATIONFAILED"), "Invalid credentials"))),
                arguments("BYE",
                        "* BYE Autologout; idle too long\r\n",
                        List.of(untaggedStatus("BYE", null, "Autologout; idle too long"))),
                arguments("status text ending like a literal is text",
                        "* OK see {abc}\r\nA1 BAD {5}\r\n",
                        List.of(untaggedStatus("OK", null, "see {abc}"), new Tagged("A1", Status.BAD, null, "{5}"))),
                arguments("vanished and search",
                        "* VANISHED (EARLIER) 41,43:116\r\n* SEARCH 2 84\r\n",
                        List.of(new Untagged(-1, "VANISHED", List.of(list(atom("EARLIER")), atom("41,43:116")),
                                null, null),
                                new Untagged(-1, "SEARCH", List.of(atom("2"), atom("84")), null, null))),
                arguments("malformed response codes are kept raw or as text",
                        "* OK [FOO (a] b\r\n* NO [ALERT unclosed\r\nA1 NO [] x\r\n",
                        List.of(untaggedStatus("OK", code("FOO", atom("(a")), "b"),
                                untaggedStatus("NO", null, "[ALERT unclosed"),
                                new Tagged("A1", Status.NO, null, "[] x"))),
                arguments("bare LF line ends",
                        "* 2 EXISTS\nA1 OK x\n",
                        List.of(new Untagged(2, "EXISTS", List.of(), null, null), new Tagged("A1", Status.OK, null, "x"))));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("non-numeric literal length", "* 1 FETCH (BODY[] {1x}\r\nabc)\r\n",
                        List.of(new ProtocolError("invalid literal length"))),
                arguments("oversized literal", "* 1 FETCH (BODY[] {101}\r\nabc)\r\n",
                        List.of(new ProtocolError("literal of 101 octets exceeds maxLiteralSize 100"))),
                arguments("literal length beyond any number", "* 1 FETCH (BODY[] {99999999999999999999}\r\n",
                        List.of(new ProtocolError("literal length of 20 digits exceeds maxLiteralSize 100"))),
                arguments("over-long line without end", "* OK " + "x".repeat(80),
                        List.of(new ProtocolError("response line of at least N octets exceeds maxLineLength 64"))),
                arguments("over-long complete line", "* OK " + "x".repeat(60) + "\r\nA1 OK\r\n",
                        List.of(new ProtocolError("response line of at least N octets exceeds maxLineLength 64"))),
                arguments("unbalanced parenthesis", "* 1 FETCH (FLAGS (\\Seen)))\r\nA1 OK x\r\n",
                        List.of(new FetchStart(1), attr("FLAGS", list(atom("\\Seen"))),
                                new ProtocolError("data after the end of a FETCH response"))),
                arguments("tagged BYE", "A1 BYE x\r\n",
                        List.of(new ProtocolError("tagged response with an invalid status"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void wellFormedResponsesDecodeAtEverySplit(String name, String input, List<Object> expected) {
        assertDecodesAtEverySplit(input, expected, 1024, 1L << 20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedResponsesYieldOneProtocolError(String name, String input, List<Object> expected) {
        assertDecodesAtEverySplit(input, expected, 64, 100);
    }

    @Test
    void inputAfterAProtocolErrorIsDiscarded() {
        EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder(16, 100));
        channel.writeInbound(Unpooled.copiedBuffer("x".repeat(40), StandardCharsets.US_ASCII));
        assertInstanceOf(ProtocolError.class, channel.readInbound());
        channel.writeInbound(Unpooled.copiedBuffer("A1 OK fine\r\n", StandardCharsets.US_ASCII));
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void bodyChunksAreSlicesNotCopiesOfTheWholeLiteral() {
        EmbeddedChannel channel = new EmbeddedChannel(new ImapResponseDecoder(1024, 1L << 20));
        channel.writeInbound(Unpooled.copiedBuffer("* 1 FETCH (BODY[] {10}\r\n01234", StandardCharsets.US_ASCII));
        assertEquals(new FetchStart(1), channel.readInbound());
        assertInstanceOf(BodyStart.class, channel.readInbound());
        ImapResponse.BodyChunk first = channel.readInbound();
        assertEquals("01234", first.content().toString(StandardCharsets.US_ASCII));
        first.release();
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.copiedBuffer("56789)\r\n", StandardCharsets.US_ASCII));
        ImapResponse.BodyChunk second = channel.readInbound();
        assertEquals("56789", second.content().toString(StandardCharsets.US_ASCII));
        second.release();
        assertEquals(BodyEnd.INSTANCE, channel.readInbound());
        assertEquals(FetchEnd.INSTANCE, channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void largeBodyIsStreamedWithoutBufferingInTheDecoder() {
        ImapResponseDecoder decoder = new ImapResponseDecoder(1024, 1L << 30);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        int size = 8 << 20;
        int read = 64 * 1024;
        channel.writeInbound(Unpooled.copiedBuffer("* 1 FETCH (UID 3 BODY[] {" + size + "}\r\n", StandardCharsets.US_ASCII));
        assertEquals(new FetchStart(1), channel.readInbound());
        assertEquals(new FetchAttribute("UID", new Atom("3")), channel.readInbound());
        assertEquals(new BodyStart("BODY[]", "", -1, size), channel.readInbound());
        long received = 0;
        for (int sent = 0; sent < size; sent += read) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[read]));
            assertEquals(0, decoder.bufferedBytes(), "the decoder keeps nothing of the body");
            for (Object o; (o = channel.readInbound()) != null && o != BodyEnd.INSTANCE;) {
                ImapResponse.BodyChunk chunk = (ImapResponse.BodyChunk) o;
                received += chunk.content().readableBytes();
                chunk.release();
            }
        }
        assertEquals(size, received);
        channel.writeInbound(Unpooled.copiedBuffer(")\r\n", StandardCharsets.US_ASCII));
        assertEquals(FetchEnd.INSTANCE, channel.readInbound());
        assertFalse(channel.finish());
    }

    private static Atom atom(String s) {
        return new Atom(s);
    }

    private static ListValue list(ImapValue... items) {
        return new ListValue(List.of(items));
    }

    private static ResponseCode code(String atom, ImapValue... args) {
        return new ResponseCode(atom, List.of(args));
    }

    private static FetchAttribute attr(String name, ImapValue value) {
        return new FetchAttribute(name, value);
    }

    private static Untagged untaggedStatus(String keyword, ResponseCode code, String text) {
        return new Untagged(-1, keyword, List.of(), code, text);
    }
}
