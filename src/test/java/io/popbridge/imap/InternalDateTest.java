package io.popbridge.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InternalDateTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "17-Jul-1996 02:44:25 -0700 | 1996-07-17T09:44:25Z",
        " 4-Dec-2026 14:00:00 +0000 | 2026-12-04T14:00:00Z",
        "04-DEC-2026 14:00:00 +0100 | 2026-12-04T13:00:00Z",
    }, ignoreLeadingAndTrailingWhitespace = false)
    void rfc3501DateTimesParse(String text, String expected) {
        assertEquals(Instant.parse(expected.strip()), InternalDate.parse(text.stripTrailing()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-12-04T14:00:00Z", "32-Dec-2026 14:00:00 +0000"})
    void anythingElseIsNullNotAFailedListing(String text) {
        assertNull(InternalDate.parse(text));
    }
}
