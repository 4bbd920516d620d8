package io.popbridge.pop3;

import java.util.BitSet;

/**
 * The one argument parser for commands that take a message number (LIST, UIDL, RETR, TOP, DELE),
 * with Dovecot's errors. Numbers are strict ASCII decimal: no sign, no spaces inside; anything
 * beyond the {@code int} range simply does not exist.
 */
final class MessageNumbers {

    /** A valid, not deleted message number and what followed it (leading spaces removed). */
    record Parsed(int number, String rest) {
    }

    private MessageNumbers() {
    }

    /**
     * Parses the message number at the start of {@code args} (leading spaces are skipped).
     *
     * @param count messages in the snapshot
     * @param deleted bit {@code n - 1} set when message n is marked deleted
     * @param more whether further arguments may follow (TOP)
     */
    static Parsed parse(String args, int count, BitSet deleted, boolean more) throws CommandException {
        String s = skipSpaces(args);
        if (s.isEmpty()) {
            throw CommandException.syntax("-ERR Missing message number.");
        }
        int digits = countDigits(s);
        if (digits == 0) {
            throw CommandException.syntax("-ERR Invalid message number: " + Pop3Replies.echo(s));
        }
        String number = s.substring(0, digits);
        long value = parseBounded(number, Integer.MAX_VALUE);
        if (value < 1 || value > count) {
            throw CommandException.rejected("-ERR There's no message " + Pop3Replies.echo(number) + ".");
        }
        if (deleted.get((int) value - 1)) {
            throw CommandException.rejected("-ERR Message is deleted.");
        }
        String after = s.substring(digits);
        String rest = skipSpaces(after);
        if ((!after.isEmpty() && after.charAt(0) != ' ') || (!more && !rest.isEmpty())) {
            throw CommandException.syntax("-ERR Noise after message number: " + Pop3Replies.echo(after.strip()));
        }
        return new Parsed((int) value, rest);
    }

    /** The TOP line count: a non-negative decimal that fits in a {@code long}, nothing after it. */
    static long parseLineCount(String args) throws CommandException {
        String s = skipSpaces(args);
        if (s.isEmpty()) {
            throw CommandException.syntax("-ERR Missing number of lines.");
        }
        int digits = countDigits(s);
        if (digits == 0) {
            throw CommandException.syntax("-ERR Invalid number of lines: " + Pop3Replies.echo(s));
        }
        long value = parseBounded(s.substring(0, digits), Long.MAX_VALUE);
        if (value < 0) {
            throw CommandException.syntax("-ERR Invalid number of lines: " + Pop3Replies.echo(s));
        }
        if (!skipSpaces(s.substring(digits)).isEmpty() || (digits < s.length() && s.charAt(digits) != ' ')) {
            throw CommandException.syntax("-ERR Noise after number of lines: " + Pop3Replies.echo(s.substring(digits).strip()));
        }
        return value;
    }

    static String skipSpaces(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return s.substring(i);
    }

    private static int countDigits(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** The value of a digit string, or -1 when it exceeds {@code max}. */
    private static long parseBounded(String digits, long max) {
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (value > (max - d) / 10) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
