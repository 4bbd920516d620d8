package io.popbridge.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MessageMatcherTest {
    private static final String D1 = "Mon, 4 Mar 2024 10:00:00 +0000";
    private static final String D2 = "Tue, 5 Mar 2024 10:00:00 +0000";

    private static OldMessage old(int n, long size, String id, String date) {
        return new OldMessage(n, "u" + n, size, new HeaderFields(id, date));
    }

    private static NewMessage imap(long uid, long size, String id, String date) {
        return new NewMessage(uid, size, null, new HeaderFields(id, date));
    }

    /** Old message number to UID. */
    private static Map<Integer, Long> pairs(MessageMatcher.Result r) {
        Map<Integer, Long> out = new TreeMap<>();
        r.matched().forEach(p -> out.put(p.old().number(), p.message().uid()));
        return out;
    }

    @Test
    void messageIdAndSizeMatchWhateverTheOrder() {
        var r = MessageMatcher.match(List.of(old(1, 100, "<a>", D1), old(2, 200, "<b>", D1)),
                List.of(imap(7, 200, "<b>", D1), imap(9, 100, "<a>", D1)));
        assertEquals(Map.of(1, 9L, 2, 7L), pairs(r));
        assertEquals(0, r.imapOnly());
    }

    @Test
    void aDifferentSizeIsNotTheSameMessage() {
        var r = MessageMatcher.match(List.of(old(1, 100, "<a>", D1)), List.of(imap(1, 101, "<a>", D1)));
        assertEquals(Map.of(), pairs(r));
        assertEquals(1, r.unmatched().size());
        assertEquals(1, r.imapOnly());
    }

    @Test
    void copiesPairByDateFirstThenInOrderOneToOne() {
        var r = MessageMatcher.match(
                List.of(old(1, 100, "<d>", D2), old(2, 100, "<d>", D1), old(3, 100, "<d>", D1), old(4, 100, "<d>", D1)),
                List.of(imap(10, 100, "<d>", D1), imap(11, 100, "<d>", D1), imap(12, 100, "<d>", D2)));
        // old 1 (D2) takes the D2 copy; old 2 and 3 the D1 copies in order; old 4 finds none left
        assertEquals(Map.of(1, 12L, 2, 10L, 3, 11L), pairs(r));
        assertEquals(List.of(4), r.unmatched().stream().map(OldMessage::number).toList());
    }

    @Test
    void withoutMessageIdOnlyAUniqueDateAndSizeMatches() {
        var r = MessageMatcher.match(
                List.of(old(1, 50, null, D1), old(2, 60, null, D2), old(3, 60, null, D2), old(4, 70, null, null)),
                List.of(imap(1, 50, null, D1), imap(2, 60, null, D2), imap(3, 60, null, D2), imap(4, 70, null, null)));
        assertEquals(Map.of(1, 1L), pairs(r));
        assertEquals(List.of(2, 3, 4), r.unmatched().stream().map(OldMessage::number).toList());
    }

    @Test
    void aMessageWithoutIdIsNotMatchedToOneWithAnId() {
        var r = MessageMatcher.match(List.of(old(1, 50, null, D1)), List.of(imap(1, 50, "<x>", D1)));
        assertEquals(Map.of(), pairs(r));
    }

    @Test
    void ignoringSizesMatchesByMessageIdAloneAndNeverByDate() {
        var r = MessageMatcher.match(List.of(old(1, 100, "<a>", D1), old(2, 50, null, D1)),
                List.of(imap(1, 97, "<a>", D1), imap(2, 48, null, D1)), true);
        assertEquals(Map.of(1, 1L), pairs(r));
    }

    @Test
    void headerFieldsAreUnfoldedAndTheFirstOccurrenceWins() {
        byte[] raw = ("Message-ID:\r\n <folded@example.org>\r\nDATE:  Mon, 4 Mar 2024\r\n\t10:00:00 +0000\r\n"
                + "Message-ID: <second@example.org>\r\n\r\nMessage-ID: <in-body@example.org>\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(new HeaderFields("<folded@example.org>", "Mon, 4 Mar 2024 10:00:00 +0000"), HeaderFields.parse(raw));
        assertEquals(new HeaderFields(null, null), HeaderFields.parse("Message-ID:   \r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }
}
