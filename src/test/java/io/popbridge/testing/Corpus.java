package io.popbridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Messages that stress POP3 framing. */
public final class Corpus {

    private Corpus() {
    }

    public static byte[] message(String subject, String body) {
        String text = "From: Bob <bob@example.com>\r\n"
                + "To: Alice <alice@example.com>\r\n"
                + "Subject: " + subject + "\r\n"
                + "Message-ID: <" + Math.abs(subject.hashCode()) + "." + body.length() + "@example.com>\r\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
                + "\r\n"
                + body;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static List<byte[]> framingCorpus() {
        List<byte[]> messages = new ArrayList<>();
        messages.add(message("plain", "Hello Alice,\r\n\r\nsee you.\r\n"));
        messages.add(message("dots", ".leading dot\r\n.\r\n..two dots\r\nnot at start .\r\n.\r\n"));
        messages.add(message("empty body", ""));
        messages.add(message("Grüße aus Köln ✓", "Ünïcödé body ✓\r\n"));
        messages.add(message("long line", "x".repeat(25_000) + "\r\nend\r\n"));
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            many.append("line ").append(i).append(i % 7 == 0 ? "\r\n." : "").append("\r\n");
        }
        messages.add(message("many lines", many.toString()));
        return messages;
    }

    /** Header, blank line and the first {@code lines} body lines of a CRLF message: what TOP sends. */
    public static byte[] top(byte[] message, int lines) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int split = text.indexOf("\r\n\r\n");
        int end = split < 0 ? text.length() : split + 4;
        int pos = end;
        for (int i = 0; i < lines && pos < text.length(); i++) {
            int lf = text.indexOf('\n', pos);
            pos = lf < 0 ? text.length() : lf + 1;
        }
        String top = text.substring(0, pos);
        if (!top.endsWith("\r\n")) {
            top += "\r\n";
        }
        return top.getBytes(StandardCharsets.ISO_8859_1);
    }
}
