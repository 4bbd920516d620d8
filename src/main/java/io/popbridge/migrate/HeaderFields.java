package io.popbridge.migrate;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The two header fields the matcher compares, read from raw header octets (RFC 5322: folded
 * lines unfolded, the first occurrence wins, leading and trailing white space and runs of white
 * space normalized). Nothing else of a message is kept.
 *
 * @param messageId the Message-ID field's value, or null when absent or empty
 * @param date the Date field's value, or null when absent or empty
 */
record HeaderFields(String messageId, String date) {

    static HeaderFields parse(byte[] headers) {
        // ISO-8859-1 maps every octet to one char: 8-bit junk cannot break the parse.
        String text = new String(headers, StandardCharsets.ISO_8859_1);
        String messageId = null;
        String date = null;
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (name != null) {
                if (name.equals("message-id") && messageId == null) {
                    messageId = normalize(value);
                } else if (name.equals("date") && date == null) {
                    date = normalize(value);
                }
            }
            name = null;
            value.setLength(0);
            if (line.isEmpty()) {
                break; // end of the header
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                value.append(line.substring(colon + 1));
            }
        }
        if (name != null) {
            if (name.equals("message-id") && messageId == null) {
                messageId = normalize(value);
            } else if (name.equals("date") && date == null) {
                date = normalize(value);
            }
        }
        return new HeaderFields(messageId, date);
    }

    private static String normalize(CharSequence value) {
        String s = value.toString().strip().replaceAll("[ \\t]+", " ");
        return s.isEmpty() ? null : s;
    }
}
