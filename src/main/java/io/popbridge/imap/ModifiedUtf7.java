package io.popbridge.imap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Mailbox name encoding of RFC 3501 section 5.1.3 ("modified UTF-7"). */
final class ModifiedUtf7 {

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private ModifiedUtf7() {
    }

    static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c == '&') {
                out.append("&-");
                i++;
            } else if (c >= 0x20 && c <= 0x7e) {
                out.append(c);
                i++;
            } else {
                int start = i;
                while (i < name.length() && (name.charAt(i) < 0x20 || name.charAt(i) > 0x7e)) {
                    i++;
                }
                byte[] utf16 = name.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
                out.append('&').append(BASE64.encodeToString(utf16).replace('/', ',')).append('-');
            }
        }
        return out.toString();
    }
}
