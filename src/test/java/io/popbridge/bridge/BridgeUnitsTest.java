package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.FetchedMessage;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BridgeUnitsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1 | 1",
        "1,2,3 | 1:3",
        "1,3,4,5,9 | 1,3:5,9",
        "7,8,10,11 | 7:8,10:11",
    })
    void uidSetsCompressRuns(String uids, String expected) {
        long[] sorted = java.util.Arrays.stream(uids.split(",")).mapToLong(Long::parseLong).toArray();
        assertEquals(List.of(expected), UidSets.of(sorted));
    }

    @Test
    void uidSetsSplitLongListsWithoutLosingAUid() {
        long[] everyOther = LongStream.rangeClosed(1, 2001).filter(n -> n % 2 == 1).toArray();
        List<String> sets = UidSets.of(everyOther);
        assertTrue(sets.size() > 1);
        long count = sets.stream().flatMap(s -> java.util.Arrays.stream(s.split(","))).count();
        assertEquals(everyOther.length, count);
        assertTrue(sets.stream().allMatch(s -> s.length() <= UidSets.MAX_SET_LENGTH));
    }

    @Test
    void uidlIsDovecotDefaultFormat() {
        assertEquals("0000002a5f5e1000", Uidl.of(0x5F5E1000L, 42));
        assertEquals("ffffffffffffffff", Uidl.of(0xFFFFFFFFL, 0xFFFFFFFFL));
    }

    @Test
    void snapshotSkipsDeletedAndHiddenAndNumbersInUidOrder() {
        List<FetchedMessage> listing = List.of(
                new FetchedMessage(1, 30, 300, Set.of()),
                new FetchedMessage(2, 10, 100, Set.of("\\Seen")),
                new FetchedMessage(3, 20, 200, Set.of("\\Deleted")),
                new FetchedMessage(4, 40, 400, Set.of("$pop3deleted")),
                new FetchedMessage(5, 50, 500, Set.of("$Label1")));
        Snapshot snapshot = Snapshot.of(listing, 7, "$POP3Deleted");
        assertEquals(3, snapshot.count());
        assertEquals(10, snapshot.uid(1));
        assertEquals(30, snapshot.uid(2));
        assertEquals(50, snapshot.uid(3));
        assertEquals(100, snapshot.size(1));
        assertEquals(Uidl.of(7, 30), snapshot.uidl(2));
    }

    @ParameterizedTest
    @CsvSource({"hide,hide", "HIDE,hide", "seen,seen", "expunge,expunge", "move:Archive,move:Archive",
        "MOVE:Old Mail,move:Old Mail"})
    void deletePoliciesParse(String text, String canonical) {
        assertEquals(canonical, DeletePolicy.parse(text).toString());
    }

    @ParameterizedTest
    @CsvSource({"delete", "move:", "''", "purge"})
    void badDeletePoliciesAreRejectedWithTheAcceptedForms(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeletePolicy.parse(text));
        assertTrue(e.getMessage().contains("move"), e.getMessage());
    }
}
