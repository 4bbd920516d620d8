package io.popbridge.migrate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The two header fields the matcher compares, read from raw header octets (RFC 5322): folded
 * lines unfolded, the first occurrence wins, the value trimmed. The Message-ID is normalized
 * exactly as the bridge does for the store's fingerprint (unfold, trim), so imported rows carry
 * the fingerprint the bridge computes for the same message; the Date also has runs of white space
 * collapsed (it is only compared). Nothing else of a message is kept.
 *
 * @param messageId the Message-ID field's value, or null when absent or empty
 * @param date the Date field's value, or null when absent or empty
 */
record HeaderFields(String messageId, String date) {

    static HeaderFields parse(byte[] headers) {
        // ISO-8859-1 maps every octet to one char: 8-bit junk cannot break the parse.
        String text = new String(headers, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
        String messageId = null;
        String date = null;
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                break; // end of the header
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("message-id") && messageId == null) {
                messageId = value.isEmpty() ? null : value;
            } else if (name.equals("date") && date == null) {
                date = value.isEmpty() ? null : value.replaceAll("[ \t]+", " ");
            }
        }
        return new HeaderFields(messageId, date);
    }
}
