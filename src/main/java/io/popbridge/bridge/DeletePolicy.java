package io.popbridge.bridge;

import java.util.Locale;
import java.util.Objects;

/**
 * What DELE + QUIT does to a message upstream.
 *
 * <ul>
 *   <li>{@code hide} (default): store the hide keyword; later POP3 sessions skip the message, IMAP
 *       devices still see it unchanged.
 *   <li>{@code seen}: store {@code \Seen} and the hide keyword.
 *   <li>{@code move:<folder>}: move the message to the folder (UID MOVE, or UID COPY + UID EXPUNGE
 *       with UIDPLUS).
 *   <li>{@code expunge}: store {@code \Deleted} and {@code UID EXPUNGE} (UIDPLUS only; never a plain
 *       EXPUNGE, which would remove other clients' {@code \Deleted} messages).
 * </ul>
 *
 * @param kind the policy
 * @param folder target folder for {@link Kind#MOVE}, else null
 */
public record DeletePolicy(Kind kind, String folder) {

    public enum Kind { HIDE, SEEN, MOVE, EXPUNGE }

    public DeletePolicy {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.MOVE) != (folder != null)) {
            throw new IllegalArgumentException("a folder goes with move, and only with move");
        }
        if (folder != null && folder.isEmpty()) {
            throw new IllegalArgumentException("move needs a folder name, as in move:Trash");
        }
    }

    public static final DeletePolicy HIDE = new DeletePolicy(Kind.HIDE, null);

    /**
     * Parses {@code hide}, {@code seen}, {@code expunge} or {@code move:<folder>}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static DeletePolicy parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("move:")) {
            return new DeletePolicy(Kind.MOVE, text.substring("move:".length()));
        }
        return switch (lower) {
            case "hide" -> HIDE;
            case "seen" -> new DeletePolicy(Kind.SEEN, null);
            case "expunge" -> new DeletePolicy(Kind.EXPUNGE, null);
            default -> throw new IllegalArgumentException(
                    "'" + text + "' is not a delete policy (expected hide, seen, expunge or move:<folder>)");
        };
    }

    @Override
    public String toString() {
        return kind == Kind.MOVE ? "move:" + folder : kind.name().toLowerCase(Locale.ROOT);
    }
}
