package io.popbridge.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes messages straight into a Maildir's {@code cur/} (much faster than APPEND for 100,000
 * messages), as Dovecot itself stores them: LF line ends, with the physical size {@code S=} and
 * the CRLF ("virtual") size {@code W=} in the file name, so Dovecot never has to read a file to
 * answer RFC822.SIZE, STAT or LIST. Deterministic for a given seed.
 */
final class MaildirSeeder {

    private static final String WORDS = "the quick brown fox jumps over a lazy dog while popbridge relays mail from "
            + "imap to pop3 and every octet counts twice when a line starts with a dot ";

    private MaildirSeeder() {
    }

    /** Seeds {@code count} messages of {@code minSize}..{@code maxSize} octets; returns the total CRLF size. */
    static long seed(Path maildir, int count, int minSize, int maxSize, long seed) throws IOException {
        Path cur = Files.createDirectories(maildir.resolve("cur"));
        Files.createDirectories(maildir.resolve("new"));
        Files.createDirectories(maildir.resolve("tmp"));
        Random random = new Random(seed);
        long total = 0;
        long time = 1_700_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] message = message(random, i, minSize + random.nextInt(maxSize - minSize + 1));
            int lines = 0;
            for (byte b : message) {
                if (b == '\n') {
                    lines++;
                }
            }
            long virtual = message.length + lines;
            total += virtual;
            String name = (time + i) + ".M" + i + "P1.bench,S=" + message.length + ",W=" + virtual + ":2,";
            Files.write(cur.resolve(name), message);
        }
        return total;
    }

    /** A plain-text message of about {@code size} octets (LF line ends), some lines starting with a dot. */
    static byte[] message(Random random, int index, int size) {
        StringBuilder text = new StringBuilder(size + 100);
        text.append("From: sender").append(index % 97).append("@example.com\n")
                .append("To: user@example.com\n")
                .append("Subject: benchmark message ").append(index).append('\n')
                .append("Message-ID: <bench-").append(index).append("@example.com>\n")
                .append("Date: Tue, 14 Nov 2023 22:13:20 +0000\n")
                .append("\n");
        while (text.length() < size) {
            int length = 20 + random.nextInt(56);
            if (random.nextInt(50) == 0) { // as in DotStufferBenchmark: one line in 50 starts with a dot
                text.append('.');
            }
            for (int c = 0; c < length; c++) {
                text.append(WORDS.charAt(random.nextInt(WORDS.length())));
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
