package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.popbridge.imap.FetchedMessage;
import io.popbridge.mapping.PackedLongs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The compact {@link Snapshot} (packed UIDs and sizes, UIDLs derived on demand, only foreign ones
 * kept) lists exactly what the former one did: {@link #reference} is the former
 * {@code Snapshot.of}, which kept a {@code MessageEntry(size, uidl)} per message.
 */
class CompactSnapshotTest {

    private static final long V = 0x5F5E1000L;

    /** One listed message as the former snapshot held it. */
    private record Entry(long uid, long size, String uidl) {
    }

    /** The former {@code Snapshot.of}, kept verbatim apart from building {@link Entry} values. */
    private static List<Entry> reference(List<FetchedMessage> listing, String hideKeyword, LongFunction<String> uidls,
            Predicate<String> hidden, Snapshot.SizeSource sizes, Predicate<FetchedMessage> inWindow, int newest) {
        List<FetchedMessage> visible = new ArrayList<>(listing.size());
        for (FetchedMessage m : listing) {
            if (m.uid() > 0 && m.rfc822Size() >= 0 && !ImapMailboxProvider.hasFlag(m, "\\Deleted")
                    && (hideKeyword == null || !ImapMailboxProvider.hasFlag(m, hideKeyword))
                    && uidls.apply(m.uid()) != null && !hidden.test(uidls.apply(m.uid())) && inWindow.test(m)) {
                visible.add(m);
            }
        }
        visible.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        if (newest > 0) {
            List<FetchedMessage> distinct = new ArrayList<>(visible.size());
            for (FetchedMessage m : visible) {
                if (distinct.isEmpty() || distinct.get(distinct.size() - 1).uid() != m.uid()) {
                    distinct.add(m);
                }
            }
            visible = distinct.size() > newest ? distinct.subList(distinct.size() - newest, distinct.size()) : distinct;
        }
        List<Entry> entries = new ArrayList<>();
        for (FetchedMessage m : visible) {
            if (!entries.isEmpty() && entries.get(entries.size() - 1).uid() == m.uid()) {
                continue;
            }
            entries.add(new Entry(m.uid(), sizes.size(m.uid(), m.rfc822Size()), uidls.apply(m.uid())));
        }
        return entries;
    }

    private static void assertSame(List<Entry> expected, Snapshot actual) {
        assertEquals(expected.size(), actual.count());
        for (int n = 1; n <= expected.size(); n++) {
            Entry e = expected.get(n - 1);
            assertEquals(e.uid(), actual.uid(n), "uid of " + n);
            assertEquals(e.size(), actual.size(n), "size of " + n);
            assertEquals(e.uidl(), actual.uidl(n), "uidl of " + n);
        }
    }

    private static FetchedMessage m(long uid, long size, String... flags) {
        return new FetchedMessage(uid, uid, size, Set.of(flags));
    }

    private static FetchedMessage dated(long uid, long size, Instant date) {
        return new FetchedMessage(uid, uid, size, Set.of(), date, null, null);
    }

    @Test
    void derivedUidlsEdgeUidsDuplicatesDeletedAndHidden() {
        List<FetchedMessage> listing = List.of(
                m(0xFFFF_FFFFL, 0xFFFF_FFFFL), m(1, 0), m(0x7FFF_FFFFL, 1), m(0x8000_0000L, 2),
                m(7, 10), m(7, 11, "\\Seen"), // reported twice: the first report counts
                m(8, 5, "\\Deleted"), m(9, 5, "$pop3deleted"), m(10, -1), m(0, 5), m(11, 12, "$Label"));
        for (long uidValidity : new long[] {0, 1, V, 0xFFFF_FFFFL}) {
            Snapshot compact = Snapshot.of(listing, uidValidity, "$POP3Deleted");
            assertSame(reference(listing, "$POP3Deleted", uid -> Uidl.of(uidValidity, uid), u -> false,
                    (uid, size) -> size, x -> true, 0), compact);
            assertEquals(0, compact.keptUidls());
        }
        assertEquals(6, Snapshot.of(listing, V, "$POP3Deleted").count());
    }

    @Test
    void widerThanThirtyTwoBitValuesKeepTheirExactUidlsAndSizes() {
        // IMAP never sends these, but the snapshot must not truncate them if a server does
        List<FetchedMessage> listing = List.of(m(1L << 32, 1L << 40), m(5, 3), m(Long.MAX_VALUE, Long.MAX_VALUE));
        for (long uidValidity : new long[] {V, 1L << 33}) {
            assertSame(reference(listing, null, uid -> Uidl.of(uidValidity, uid), u -> false, (uid, size) -> size,
                    x -> true, 0), Snapshot.of(listing, uidValidity, null));
        }
    }

    @Test
    void foreignUidlsAreKeptAndOnlyThose() {
        Map<Long, String> uidls = new HashMap<>();
        List<FetchedMessage> listing = new ArrayList<>();
        for (long uid = 1; uid <= 50; uid++) {
            listing.add(m(uid, 100 + uid));
            uidls.put(uid, Uidl.of(V, uid));
        }
        uidls.put(3L, "imported-from-old-server");           // imported
        uidls.put(4L, Uidl.of(V - 1, 4));                     // re-matched after a UIDVALIDITY change
        uidls.put(5L, Uidl.of(V, 5) + "-1");                  // suffixed after a collision
        uidls.put(6L, Uidl.of(V, 6).toUpperCase());           // same digits, other case: not derived
        uidls.put(50L, Uidl.of(V, 49));                       // another message's derived UIDL
        uidls.remove(20L);                                    // none: never listed
        listing.add(m(3, 103, "\\Seen"));                     // duplicate of a foreign one
        Set<String> hidden = Set.of(Uidl.of(V, 10), "imported-from-old-server");
        Snapshot compact = Snapshot.of(listing, V, "$POP3Deleted", uidls::get, hidden::contains,
                (uid, size) -> uid == 7 ? 4242 : size);
        assertSame(reference(listing, "$POP3Deleted", uidls::get, hidden::contains,
                (uid, size) -> uid == 7 ? 4242 : size, x -> true, 0), compact);
        assertEquals(4, compact.keptUidls()); // 3 is hidden; 4, 5, 6 and 50 are kept
        assertEquals(47, compact.count());
    }

    @Test
    void everyUidlForeign() {
        List<FetchedMessage> listing = new ArrayList<>();
        for (long uid = 1; uid <= 300; uid++) {
            listing.add(m(uid * 3, uid * 1000));
        }
        LongFunction<String> uidls = uid -> "old-" + uid;
        Snapshot compact = Snapshot.of(listing, V, null, uidls, u -> false, (uid, size) -> size);
        assertSame(reference(listing, null, uidls, u -> false, (uid, size) -> size, x -> true, 0), compact);
        assertEquals(300, compact.keptUidls());
    }

    @Test
    void windowsByDateAndNewestCount() {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        List<FetchedMessage> listing = new ArrayList<>();
        for (long uid = 1; uid <= 40; uid++) {
            listing.add(dated(uid, uid * 10, uid % 7 == 0 ? null : now.minusSeconds(86_400L * (40 - uid))));
        }
        listing.add(dated(39, 1, now)); // a duplicate inside the newest window
        Map<Long, String> uidls = new HashMap<>();
        for (long uid = 1; uid <= 40; uid++) {
            uidls.put(uid, uid % 5 == 0 ? "imported" + uid : Uidl.of(V, uid));
        }
        for (int days : new int[] {0, 3, 10, 100}) {
            for (int newest : new int[] {0, 1, 5, 39, 100}) {
                MappingOptions.Window window = new MappingOptions.Window(newest, days, false);
                Predicate<FetchedMessage> in = Windows.filter(window, null, now);
                assertSame(reference(listing, null, uidls::get, u -> false, (uid, size) -> size, in, newest),
                        Snapshot.of(listing, V, null, uidls::get, u -> false, (uid, size) -> size, in, newest));
            }
        }
    }

    @Test
    void randomListingsMatchTheFormerSnapshot() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            long uidValidity = random.nextBoolean() ? V : random.nextInt() & 0xFFFF_FFFFL;
            List<FetchedMessage> listing = new ArrayList<>();
            Map<Long, String> uidls = new HashMap<>();
            long uid = random.nextBoolean() ? 1 : 0xFFFF_FFFFL - 400;
            int count = random.nextInt(300);
            for (int i = 0; i < count; i++) {
                uid += 1 + (random.nextInt(4) == 0 ? random.nextInt(1000) : 0);
                uid = Math.min(uid, 0xFFFF_FFFFL);
                int kind = random.nextInt(20);
                String[] flags = kind == 0 ? new String[] {"\\Deleted"} : kind == 1 ? new String[] {"$POP3Deleted"}
                        : new String[0];
                long size = random.nextInt(10) == 0 ? random.nextLong() & Long.MAX_VALUE : random.nextInt(100_000);
                listing.add(m(uid, size, flags));
                if (random.nextInt(30) == 0) {
                    listing.add(m(uid, size + 1));
                }
                int u = random.nextInt(10);
                uidls.put(uid, u == 0 ? "x" + random.nextInt(1000) : u == 1 ? null : Uidl.of(uidValidity, uid));
            }
            java.util.Collections.shuffle(listing, random);
            Set<String> hidden = Set.of(Uidl.of(uidValidity, 5), "x1", "x2");
            boolean store = random.nextBoolean();
            String keyword = random.nextBoolean() ? "$POP3Deleted" : null;
            int newest = random.nextInt(3) == 0 ? random.nextInt(50) : 0;
            LongFunction<String> source = store ? uidls::get : id -> Uidl.of(uidValidity, id);
            Snapshot compact = store
                    ? Snapshot.of(listing, uidValidity, keyword, uidls::get, hidden::contains, (id, s) -> s, x -> true,
                            newest)
                    : Snapshot.of(listing, uidValidity, keyword, null, u -> false, (id, s) -> s, x -> true, newest);
            assertSame(reference(listing, keyword, source, store ? hidden::contains : u -> false, (id, s) -> s,
                    x -> true, newest), compact);
        }
    }

    @Test
    void numbersOutsideTheSnapshotAreRejected() {
        Snapshot snapshot = Snapshot.of(List.of(m(1, 10), m(2, 20)), V, null);
        assertThrows(IndexOutOfBoundsException.class, () -> snapshot.size(3));
        assertThrows(IndexOutOfBoundsException.class, () -> snapshot.uidl(0));
        assertEquals(0, Snapshot.of(List.of(m(1, 1, "\\Deleted")), V, null).count());
    }

    @Test
    void packedLongsKeepEveryValueInTheFewestBytes() {
        long[][] cases = {
            {}, {0}, {5, 5, 5}, {1, 2, 255}, {1, 257}, {0, 0xFFFF_FFFFL}, {0x7FFF_FFFFL, 0x8000_0000L},
            {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}, {-5, 5}, {2000, 51_030_816},
        };
        int[] widths = {0, 0, 0, 1, 2, 4, 1, 8, 1, 4};
        for (int c = 0; c < cases.length; c++) {
            PackedLongs packed = PackedLongs.of(cases[c], cases[c].length);
            assertEquals(cases[c].length, packed.length());
            assertEquals(widths[c], packed.width(), Arrays.toString(cases[c]));
            for (int i = 0; i < cases[c].length; i++) {
                assertEquals(cases[c][i], packed.get(i));
            }
        }
        Random random = new Random(11);
        long[] values = random.longs(1000).toArray();
        PackedLongs packed = PackedLongs.of(values, 600);
        for (int i = 0; i < 600; i++) {
            assertEquals(values[i], packed.get(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> packed.get(600));
    }
}
