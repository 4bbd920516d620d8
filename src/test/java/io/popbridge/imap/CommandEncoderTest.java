package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandEncoderTest {

    private static final String[] TRICKY = {"plain", "with space", "quo\"te", "back\\slash", "{5}", "a)b(",
        "x}\"", "%*]", "Jürgen", "日本語", "", "A2 LOGOUT"};

    @Test
    void everyCredentialBecomesOneCommandThatDecodesToTheOriginal() {
        for (boolean literalPlus : new boolean[] {false, true}) {
            for (String user : TRICKY) {
                for (String pass : TRICKY) {
                    byte[] u = user.getBytes(StandardCharsets.UTF_8);
                    byte[] p = pass.getBytes(StandardCharsets.UTF_8);
                    EncodedCommand cmd = new CommandEncoder("A1", "LOGIN", literalPlus, false).string(u).string(p).build();
                    List<byte[]> args = ServerView.parse(cmd, "A1 LOGIN");
                    assertEquals(2, args.size());
                    assertArrayEquals(u, args.get(0), user);
                    assertArrayEquals(p, args.get(1), pass);
                    int literals = (CommandEncoder.isQuotable(u) ? 0 : 1) + (CommandEncoder.isQuotable(p) ? 0 : 1);
                    assertEquals(literalPlus ? 1 : 1 + literals, cmd.fragments().size());
                }
            }
        }
    }

    @Test
    void synchronizingLiteralEndsTheFragmentAtItsMarker() {
        EncodedCommand cmd = new CommandEncoder("A7", "LOGIN", false, false)
                .string("ü".getBytes(StandardCharsets.UTF_8)).string("pw".getBytes(StandardCharsets.US_ASCII)).build();
        assertEquals(List.of("A7 LOGIN {2}\r\n", "ü \"pw\"\r\n"), texts(cmd));
    }

    @Test
    void literalPlusAndSmallLiteralMinusAreSentAtOnce() {
        byte[] v = "ü".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("A1 LOGIN {2+}\r\nü {2+}\r\nü\r\n"),
                texts(new CommandEncoder("A1", "LOGIN", true, false).string(v).string(v).build()));
        assertEquals(List.of("A1 LOGIN {2+}\r\nü\r\n"),
                texts(new CommandEncoder("A1", "LOGIN", false, true).string(v).build()));
        byte[] big = ("ü" + "x".repeat(CommandEncoder.LITERAL_MINUS_MAX)).getBytes(StandardCharsets.UTF_8);
        assertEquals(2, new CommandEncoder("A1", "LOGIN", false, true).string(big).build().fragments().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "1:", "1,,2", "1 2", "1\r\nA2 LOGOUT", "a", "-1", "01", "1:*,", "12345678901", "4294967296", "1:9999999999"})
    void invalidSequenceSetsAreRejected(String set) {
        assertThrows(IllegalArgumentException.class,
                () -> new CommandEncoder("A1", "UID FETCH", false, false).sequenceSet(set));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "*", "1:*", "4,7:9", "2:4,6,10:*", "4294967295"})
    void validSequenceSetsAreSentAsIs(String set) {
        String line = texts(new CommandEncoder("A1", "UID FETCH", false, false).sequenceSet(set).build()).get(0);
        assertEquals("A1 UID FETCH " + set + "\r\n", line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "x\r\n", "\\", "(x", "x)", "\"", "{5}", "ä", "\\Seen\r\nA2 X"})
    void invalidFlagsAreRejected(String flag) {
        assertThrows(IllegalArgumentException.class,
                () -> new CommandEncoder("A1", "UID STORE", false, false).flagList(List.of(flag)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BODY.PEEK[]\r\nA2 LOGOUT", "BODY[\"x\"]", "UID FLAGS", "BODY[]{5}", "", "BODY[]<0.0>"})
    void invalidFetchItemsAreRejected(String item) {
        assertThrows(IllegalArgumentException.class,
                () -> new CommandEncoder("A1", "UID FETCH", false, false).fetchItems(List.of(item)));
    }

    @Test
    void fetchItemsWithSectionsAndPartialsAreSentAsIs() {
        String line = texts(new CommandEncoder("A1", "UID FETCH", false, false).sequenceSet("3")
                .fetchItems(List.of("UID", "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.4096>")).build()).get(0);
        assertEquals("A1 UID FETCH 3 (UID BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.4096>)\r\n", line);
    }

    @Test
    void flagsAndKeywordsAreSentInAList() {
        String line = texts(new CommandEncoder("A1", "UID STORE", false, false).sequenceSet("3").storeOp("+FLAGS.SILENT")
                .flagList(List.of("\\Seen", "$POP3Deleted")).build()).get(0);
        assertEquals("A1 UID STORE 3 +FLAGS.SILENT (\\Seen $POP3Deleted)\r\n", line);
    }

    @ParameterizedTest
    @CsvSource({"INBOX,INBOX", "Entwürfe,Entw&APw-rfe", "a&b,a&-b", "~peter/mail/日本語/台北,'~peter/mail/&ZeVnLIqe-/&U,BTFw-'"})
    void mailboxNamesAreModifiedUtf7(String name, String encoded) {
        assertEquals(encoded, ModifiedUtf7.encode(name));
    }

    private static List<String> texts(EncodedCommand cmd) {
        List<String> out = new ArrayList<>();
        cmd.fragments().forEach(f -> out.add(new String(f, StandardCharsets.UTF_8)));
        return out;
    }

    /** What a server reads: the command prefix, then astring arguments, then exactly one CRLF. */
    static final class ServerView {
        static List<byte[]> parse(EncodedCommand cmd, String prefix) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            cmd.fragments().forEach(all::writeBytes);
            byte[] b = all.toByteArray();
            byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < p.length; i++) {
                assertEquals(p[i], b[i]);
            }
            List<byte[]> args = new ArrayList<>();
            int pos = p.length;
            while (b[pos] == ' ') {
                pos++;
                ByteArrayOutputStream arg = new ByteArrayOutputStream();
                if (b[pos] == '"') {
                    pos++;
                    while (b[pos] != '"') {
                        assertTrue(b[pos] != '\r' && b[pos] != '\n');
                        if (b[pos] == '\\') {
                            pos++;
                        }
                        arg.write(b[pos++]);
                    }
                    pos++;
                } else {
                    assertEquals('{', b[pos]);
                    int close = pos;
                    while (b[close] != '}') {
                        close++;
                    }
                    int n = Integer.parseInt(new String(b, pos + 1, close - pos - 1, StandardCharsets.US_ASCII)
                            .replace("+", ""));
                    assertEquals('\r', b[close + 1]);
                    assertEquals('\n', b[close + 2]);
                    pos = close + 3;
                    arg.write(b, pos, n);
                    pos += n;
                }
                args.add(arg.toByteArray());
            }
            assertEquals('\r', b[pos]);
            assertEquals('\n', b[pos + 1]);
            assertEquals(b.length, pos + 2, "nothing may follow the command");
            return args;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "(a", "a)", "(a))(", "(a\r\n)", "(\"x\")", "({5})", "(a  b)", "( a)",
        "(a)(b)", "(a)b", "(a\u00e9)", "(%)"})
    void parameterListsThatCouldEscapeAreRejected(String bad) {
        assertThrows(IllegalArgumentException.class,
                () -> new CommandEncoder("A1", "SELECT", false, false).parenthesized(bad));
    }

    @Test
    void qresyncParametersAreSentAsGiven() {
        EncodedCommand cmd = new CommandEncoder("A1", "SELECT", false, false).atom("INBOX")
                .parenthesized("(QRESYNC (67890007 20050715194045000 41,43:211,214:*))").build();
        assertEquals("A1 SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:*))\r\n",
                new String(cmd.fragments().get(0), StandardCharsets.US_ASCII));
    }
}
