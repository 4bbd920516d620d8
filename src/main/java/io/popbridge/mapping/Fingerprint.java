package io.popbridge.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What identifies a message across a UIDVALIDITY change: the server's stable id where there is
 * one, and a digest of Message-ID, INTERNALDATE and size. The digest needs INTERNALDATE: size
 * alone would match unrelated messages. A store keeps both so that a move to a server with other
 * (or no) stable ids can still match by headers.
 */
record Fingerprint(String stableId, String header) {

    static Fingerprint of(MessageFacts facts) {
        String stable = facts.emailId() == null || facts.emailId().isBlank() ? null : facts.emailId().strip();
        String header = null;
        if (facts.internalDate() != null) {
            String messageId = facts.messageId() == null ? "" : facts.messageId().strip();
            header = sha256(messageId + '\n' + facts.internalDate().getEpochSecond() + '\n' + facts.size());
        }
        return new Fingerprint(stable, header);
    }

    private static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
