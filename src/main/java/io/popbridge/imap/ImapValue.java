package io.popbridge.imap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** A parsed IMAP data item in its generic form: atom (numbers included), string, NIL or list. */
sealed interface ImapValue {

    /** An atom, number or flag as sent (e.g. "UID", "42", "\Seen", "BODY[]<0>"). */
    record Atom(String text) implements ImapValue {
        long asNumber() {
            return ResponseParser.parseNumber(text);
        }
    }

    /** A quoted string or a (small, aggregated) literal, as octets. */
    record Str(byte[] bytes) implements ImapValue {
        static Str of(String s) {
            return new Str(s.getBytes(StandardCharsets.UTF_8));
        }

        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Str s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Str[" + text() + "]";
        }
    }

    /** NIL. */
    enum Nil implements ImapValue {
        NIL
    }

    /** A parenthesised list. */
    record ListValue(List<ImapValue> items) implements ImapValue {
        public ListValue {
            items = List.copyOf(items);
        }
    }

    /** The text of an atom or string, or null for NIL and lists. */
    static String textOf(ImapValue v) {
        if (v instanceof Atom a) {
            return a.text();
        }
        if (v instanceof Str s) {
            return s.text();
        }
        return null;
    }
}
