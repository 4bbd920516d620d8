package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.ResponseCode;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@link PendingCommand}s of {@link ImapClient}. */
final class Commands {

    private Commands() {
    }

    /** A command whose only result is its tagged OK. */
    static final class Simple extends PendingCommand<Void> {
        Simple(Promise<Void> promise) {
            super(promise);
        }

        @Override
        Void completed(Tagged ok) {
            return null;
        }
    }

    /** SELECT / EXAMINE. */
    static final class Select extends PendingCommand<SelectedMailbox> {
        private long exists;
        private long uidValidity;
        private long uidNext;
        private long highestModSeq;
        private boolean noModSeq;
        private Set<String> flags = Set.of();
        private Set<String> permanentFlags; // null: not sent

        Select(Promise<SelectedMailbox> promise) {
            super(promise);
        }

        @Override
        void untagged(Untagged u) {
            switch (u.keyword()) {
                case "EXISTS" -> exists = u.number();
                case "FLAGS" -> flags = u.values().isEmpty() ? Set.of() : flagSet(u.values().get(0));
                case "OK" -> code(u.code());
                default -> {
                }
            }
        }

        private void code(ResponseCode code) {
            if (code == null) {
                return;
            }
            switch (code.atom()) {
                case "UIDVALIDITY" -> uidValidity = number(code);
                case "UIDNEXT" -> uidNext = number(code);
                case "HIGHESTMODSEQ" -> highestModSeq = number(code);
                case "NOMODSEQ" -> noModSeq = true;
                case "PERMANENTFLAGS" -> permanentFlags = code.args().isEmpty() ? Set.of() : flagSet(code.args().get(0));
                default -> {
                }
            }
        }

        @Override
        SelectedMailbox completed(Tagged ok) {
            boolean readOnly = ok.code() != null && ok.code().atom().equals("READ-ONLY");
            return new SelectedMailbox(exists, uidValidity, uidNext, flags, permanentFlags, highestModSeq, readOnly,
                    noModSeq);
        }
    }

    /**
     * UID FETCH of non-body items: collects each FETCH response that carries a UID. Small header
     * sections ({@code BODY[HEADER.FIELDS (...)]}) are kept too, up to {@link FetchedMessage#MAX_HEADER}.
     */
    static final class Fetch extends PendingCommand<List<FetchedMessage>> {
        private final List<FetchedMessage> messages = new ArrayList<>();
        private long sequence;
        private long uid;
        private long size;
        private long modSeq;
        private Set<String> flags;
        private java.time.Instant internalDate;
        private String emailId;
        private java.io.ByteArrayOutputStream header;

        Fetch(Promise<List<FetchedMessage>> promise) {
            super(promise);
        }

        @Override
        void fetchStart(long seq) {
            sequence = seq;
            uid = -1;
            size = -1;
            modSeq = 0;
            flags = Set.of();
            internalDate = null;
            emailId = null;
            header = null;
        }

        @Override
        void fetchAttribute(FetchAttribute a) {
            switch (a.name()) {
                case "UID" -> uid = number(a.value());
                case "RFC822.SIZE" -> size = number(a.value());
                case "FLAGS" -> flags = flagSet(a.value());
                case "INTERNALDATE" -> internalDate = InternalDate.parse(ImapValue.textOf(a.value()));
                case "EMAILID" -> emailId = a.value() instanceof ImapValue.ListValue l && l.items().size() == 1
                        ? ImapValue.textOf(l.items().get(0)) : null;
                case "X-GM-MSGID" -> emailId = ImapValue.textOf(a.value());
                case "MODSEQ" -> modSeq = modSeq(a.value());
                default -> {
                }
            }
        }

        @Override
        boolean bodyStart(BodyStart start) {
            if (promise.isDone() || start.section() == null || !start.section().startsWith("HEADER.FIELDS")) {
                return false;
            }
            header = new java.io.ByteArrayOutputStream();
            return true;
        }

        @Override
        void bodyChunk(ByteBuf chunk) {
            try {
                int room = FetchedMessage.MAX_HEADER - header.size();
                int n = Math.min(room, chunk.readableBytes());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    chunk.getBytes(chunk.readerIndex(), bytes);
                    header.write(bytes, 0, n);
                }
            } finally {
                chunk.release();
            }
        }

        @Override
        void fetchEnd() {
            if (uid >= 0) {
                messages.add(new FetchedMessage(sequence, uid, size, flags, internalDate, emailId,
                        header == null ? null : header.toByteArray(), modSeq));
            }
        }

        @Override
        List<FetchedMessage> completed(Tagged ok) {
            return List.copyOf(messages);
        }
    }

    /** UID FETCH of one body item, streamed to a listener. */
    static final class FetchBody extends PendingCommand<Integer> {
        private final long uid;
        private final FetchBodyListener listener;
        private long currentUid;
        private int delivered;
        private boolean listenerFailed;
        /** Whether the current FETCH response delivered a body before its UID was known. */
        private boolean bodyBeforeUid;

        FetchBody(Promise<Integer> promise, long uid, FetchBodyListener listener) {
            super(promise);
            this.uid = uid;
            this.listener = listener;
        }

        @Override
        void fetchStart(long seq) {
            currentUid = -1;
            bodyBeforeUid = false;
        }

        @Override
        void fetchAttribute(FetchAttribute a) {
            if (a.name().equals("UID")) {
                currentUid = number(a.value());
                if (bodyBeforeUid && currentUid != uid && !listenerFailed) {
                    // another message's octets went to the listener: fail before the reply can end
                    listenerFailed = true;
                    promise.tryFailure(new ImapException.Protocol("UID FETCH " + uid
                            + " answered with the body of UID " + currentUid));
                }
            }
        }

        @Override
        boolean bodyStart(BodyStart start) {
            // unsolicited FETCHes carry no body; a body whose UID comes later is ours too
            if (listenerFailed || promise.isDone() || (currentUid >= 0 && currentUid != uid)) {
                return false;
            }
            delivered++;
            bodyBeforeUid = currentUid < 0;
            try {
                listener.bodyStart(start.size());
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
            return true;
        }

        @Override
        void bodyChunk(ByteBuf chunk) {
            if (listenerFailed) {
                chunk.release();
                return;
            }
            try {
                listener.bodyChunk(chunk);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }

        @Override
        void bodyEnd() {
            if (listenerFailed) {
                return;
            }
            try {
                listener.bodyEnd();
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }

        private void listenerFailed(RuntimeException e) {
            listenerFailed = true;
            promise.tryFailure(e);
        }

        @Override
        Integer completed(Tagged ok) {
            return delivered;
        }
    }

    /**
     * LOGIN or AUTHENTICATE: holds later commands until answered (a pipelined line must never be
     * read as a SASL response), answers one extra challenge (a SASL error report) with the
     * mechanism's abort response, and wipes its octets once answered.
     */
    static final class Login extends PendingCommand<Void> {
        private final String mechanism;
        private boolean challenged;

        /** @param mechanism the SASL mechanism, or null for LOGIN */
        Login(Promise<Void> promise, String mechanism) {
            super(promise);
            this.mechanism = mechanism;
        }

        @Override
        boolean holdsConnection() {
            return mechanism != null;
        }

        @Override
        byte[] challenge(String text) {
            if (mechanism == null || challenged) {
                throw new ProtocolViolation("unexpected continuation request during " + name());
            }
            challenged = true;
            // RFC 7628 3.2.3: OAUTHBEARER answers an error challenge with %x01; XOAUTH2 with an
            // empty response. Either way the server then fails the command.
            return "OAUTHBEARER".equals(mechanism) ? "AQ==\r\n".getBytes(StandardCharsets.US_ASCII)
                    : new byte[] {'\r', '\n'};
        }

        @Override
        void wipe() {
            if (encoded != null) {
                encoded.fragments().forEach(f -> Arrays.fill(f, (byte) 0));
            }
        }

        @Override
        Void completed(Tagged ok) {
            return null;
        }
    }

    static long number(ResponseCode code) {
        if (code.args().isEmpty()) {
            throw new ProtocolViolation(code.atom() + " without a number");
        }
        return number(code.args().get(0));
    }

    static long number(ImapValue value) {
        if (value instanceof ImapValue.Atom a) {
            return a.asNumber();
        }
        throw new ProtocolViolation("number expected");
    }

    /** RFC 7162 {@code MODSEQ (n)}. */
    static long modSeq(ImapValue value) {
        if (value instanceof ImapValue.ListValue list && list.items().size() == 1) {
            return number(list.items().get(0));
        }
        throw new ProtocolViolation("MODSEQ (n) expected");
    }

    static Set<String> flagSet(ImapValue value) {
        if (!(value instanceof ImapValue.ListValue list)) {
            throw new ProtocolViolation("flag list expected");
        }
        Set<String> flags = new LinkedHashSet<>();
        for (ImapValue v : list.items()) {
            String text = ImapValue.textOf(v);
            if (text != null) {
                flags.add(text);
            }
        }
        return Set.copyOf(flags);
    }
}
