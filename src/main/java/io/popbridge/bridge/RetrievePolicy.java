package io.popbridge.bridge;

import java.util.Locale;

/** Whether RETR leaves the message's flags alone ({@code peek}, default) or marks it {@code \Seen}. */
public enum RetrievePolicy {
    PEEK, SEEN;

    /** Parses {@code peek} or {@code seen}. */
    public static RetrievePolicy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "peek" -> PEEK;
            case "seen" -> SEEN;
            default -> throw new IllegalArgumentException("'" + text + "' is not a retrieve policy (expected peek or seen)");
        };
    }
}
