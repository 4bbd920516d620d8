package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.List;

/**
 * Events emitted by {@link ImapResponseDecoder}. Complete responses are single events; a FETCH
 * response is a stream: {@link FetchStart}, then {@link FetchAttribute}s and body literals
 * ({@link BodyStart}, {@link BodyChunk}*, {@link BodyEnd}) in the order sent, then {@link FetchEnd}.
 */
sealed interface ImapResponse {

    enum Status {
        OK, NO, BAD, BYE, PREAUTH
    }

    /** A bracketed response code such as {@code [UIDVALIDITY 3]}: atom upper case, generic args. */
    record ResponseCode(String atom, List<ImapValue> args) {
        public ResponseCode {
            args = List.copyOf(args);
        }
    }

    /** {@code tag OK|NO|BAD [code] text}. */
    record Tagged(String tag, Status status, ResponseCode code, String text) implements ImapResponse {
    }

    /**
     * Any untagged response except FETCH. Status responses (OK, NO, BAD, BYE, PREAUTH) carry
     * {@code code} and {@code text}; others carry {@code values} (e.g. CAPABILITY atoms, the
     * FLAGS list, SEARCH numbers); numbered ones (EXISTS, EXPUNGE, RECENT) carry {@code number}.
     *
     * @param number the leading number, or -1
     * @param keyword upper case
     */
    record Untagged(long number, String keyword, List<ImapValue> values, ResponseCode code, String text)
            implements ImapResponse {
        public Untagged {
            values = List.copyOf(values);
        }
    }

    /** {@code + text}: the server is ready for the rest of a command. */
    record Continuation(String text) implements ImapResponse {
    }

    record FetchStart(long sequence) implements ImapResponse {
    }

    /** A non-body attribute of the current FETCH; {@code name} upper case. */
    record FetchAttribute(String name, ImapValue value) implements ImapResponse {
    }

    /**
     * A body attribute's literal begins.
     *
     * @param name the attribute as sent, upper case (e.g. "BODY[HEADER]<0>", "RFC822")
     * @param section the text between the brackets, or null for RFC822 forms
     * @param origin the partial origin {@code <n>}, or -1
     * @param size octets that follow, or -1 for NIL (then {@link BodyEnd} follows at once)
     */
    record BodyStart(String name, String section, long origin, long size) implements ImapResponse {
    }

    /** Octets of the current body literal: a retained slice of the input; the receiver releases it. */
    final class BodyChunk extends DefaultByteBufHolder implements ImapResponse {
        BodyChunk(ByteBuf content) {
            super(content);
        }
    }

    enum BodyEnd implements ImapResponse {
        INSTANCE
    }

    enum FetchEnd implements ImapResponse {
        INSTANCE
    }

    /** The input is malformed or over a limit; the decoder discards everything after this. */
    record ProtocolError(String message) implements ImapResponse {
    }
}
