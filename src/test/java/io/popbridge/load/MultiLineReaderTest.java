package io.popbridge.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiLineReaderTest {

    private static long read(String wire) throws IOException {
        return new MultiLineReader().readBody(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void countsLinesWithTheirCrlfAndNotTheTerminator() throws IOException {
        assertEquals("Subject: x\r\n\r\nbody\r\n".length(), read("Subject: x\r\n\r\nbody\r\n.\r\n"));
    }

    @Test
    void emptyBodyIsZeroOctets() throws IOException {
        assertEquals(0, read(".\r\n"));
    }

    @Test
    void stuffedDotsAreRemovedOnlyAtLineStarts() throws IOException {
        // stored: ".\r\n..x\r\na.b\r\n" (3 + 5 + 5 = 13 octets)
        assertEquals(13, read("..\r\n...x\r\na.b\r\n.\r\n"));
    }

    @Test
    void stuffedDotFollowedByCrButNotLfIsContent() throws IOException {
        // ".\rX\r\n" on the wire: the dot is stuffing, "\rX\r\n" is stored (4 octets)
        assertEquals(4, read(".\rX\r\n.\r\n"));
        // "..\rX\r\n": one stuffed dot removed, ".\rX\r\n" stored (5 octets)
        assertEquals(5, read("..\rX\r\n.\r\n"));
    }

    @Test
    void stopsAtTheTerminatorAndLeavesTheRestOfTheStream() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream("a\r\n.\r\n+OK next\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(3, new MultiLineReader().readBody(in));
        assertEquals("+OK next\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void bareLineFeedsAreCountedAsOctetsAndReported() throws IOException {
        MultiLineReader reader = new MultiLineReader();
        long octets = reader.readBody(new ByteArrayInputStream("a\nb\r\n.\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(5, octets);
        assertEquals(1, reader.bareLineFeeds());
        assertEquals(2, reader.lines());
    }

    @Test
    void feedAcrossArbitrarySplitsGivesTheSameCount() {
        byte[] wire = "..\r\nline\r\n...\r\nx.\r\n.\r\nTRAILING".getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= wire.length; split++) {
            MultiLineReader reader = new MultiLineReader();
            int used = reader.feed(wire, 0, split);
            if (!reader.done()) {
                used += reader.feed(wire, split, wire.length - split);
            }
            assertTrue(reader.done(), "split " + split);
            assertEquals(3 + 6 + 4 + 4, reader.octets(), "split " + split);
            assertEquals(wire.length - "TRAILING".length(), used, "split " + split);
        }
    }

    @Test
    void endOfStreamBeforeTheTerminatorIsAnError() {
        assertThrows(EOFException.class, () -> read("a\r\nb\r\n"));
        MultiLineReader reader = new MultiLineReader();
        reader.feed(". \r\n".getBytes(StandardCharsets.US_ASCII), 0, 4);
        assertFalse(reader.done(), "\". \" is a stuffed line, not the terminator");
    }
    @Test
    void feedInRandomPiecesCountsAsTheOctetByOctetReader() throws IOException {
        java.util.Random random = new java.util.Random(3);
        byte[] alphabet = {'a', 'b', '.', '\r', '\n', ' '};
        for (int round = 0; round < 500; round++) {
            StringBuilder body = new StringBuilder();
            int n = random.nextInt(400);
            for (int i = 0; i < n; i++) {
                body.append((char) alphabet[random.nextInt(alphabet.length)]);
            }
            byte[] wire = (body + "\r\n.\r\nNEXT").getBytes(StandardCharsets.ISO_8859_1);
            MultiLineReader slow = new MultiLineReader();
            ByteArrayInputStream in = new ByteArrayInputStream(wire);
            long octets = slow.readBody(in); // the terminator may come earlier, from a random ".\r\n"
            int consumed = wire.length - in.available();
            MultiLineReader fast = new MultiLineReader();
            int used = 0;
            while (!fast.done()) {
                int piece = Math.min(wire.length - used, 1 + random.nextInt(40));
                used += fast.feed(wire, used, piece);
            }
            assertEquals(consumed, used, "round " + round);
            assertEquals(octets, fast.octets(), "round " + round);
            assertEquals(slow.lines(), fast.lines(), "round " + round);
            assertEquals(slow.bareLineFeeds(), fast.bareLineFeeds(), "round " + round);
        }
    }
}
