package io.popbridge.imap;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** RFC 3501 {@code date-time}: {@code "17-Jul-1996 02:44:25 -0700"} (day may be space-padded). */
final class InternalDate {

    private static final DateTimeFormatter FORMAT =
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("d-MMM-yyyy HH:mm:ss Z")
                    .toFormatter(Locale.ROOT);

    private InternalDate() {
    }

    /** The instant, or null for null or a value that does not parse (never fails a listing). */
    static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(text.strip(), FORMAT).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
