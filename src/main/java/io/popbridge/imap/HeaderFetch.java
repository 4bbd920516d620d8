package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.Tagged;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code UID FETCH <set> (UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (...)])}: collects,
 * per message, the attributes and the header-field octets (bounded; octets past the limit are
 * released unseen), so that a whole mailbox's Message-IDs cost one command.
 */
final class HeaderFetch extends PendingCommand<List<FetchedHeaders>> {
    /** RFC 3501 date-time: "17-Jul-1996 02:44:25 -0700" (day may be space-padded). */
    private static final DateTimeFormatter INTERNALDATE =
            DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

    private final int maxHeaderBytes;
    private final List<FetchedHeaders> messages = new ArrayList<>();
    private long uid;
    private long size;
    private Instant internalDate;
    private ByteArrayOutputStream headers;
    private boolean inBody;

    HeaderFetch(Promise<List<FetchedHeaders>> promise, int maxHeaderBytes) {
        super(promise);
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    void fetchStart(long seq) {
        uid = -1;
        size = -1;
        internalDate = null;
        headers = new ByteArrayOutputStream();
    }

    @Override
    void fetchAttribute(FetchAttribute a) {
        switch (a.name()) {
            case "UID" -> uid = Commands.number(a.value());
            case "RFC822.SIZE" -> size = Commands.number(a.value());
            case "INTERNALDATE" -> internalDate = parseInternalDate(ImapValue.textOf(a.value()));
            default -> {
            }
        }
    }

    @Override
    boolean bodyStart(BodyStart start) {
        inBody = start.section() != null && start.section().startsWith("HEADER.FIELDS");
        return inBody;
    }

    @Override
    void bodyChunk(ByteBuf chunk) {
        try {
            int room = maxHeaderBytes - headers.size();
            if (inBody && room > 0) {
                int n = Math.min(room, chunk.readableBytes());
                byte[] bytes = new byte[n];
                chunk.readBytes(bytes);
                headers.write(bytes, 0, n);
            }
        } finally {
            chunk.release();
        }
    }

    @Override
    void bodyEnd() {
        inBody = false;
    }

    @Override
    void fetchEnd() {
        if (uid > 0) {
            messages.add(new FetchedHeaders(uid, size, internalDate, headers.toByteArray()));
        }
    }

    @Override
    List<FetchedHeaders> completed(Tagged ok) {
        return List.copyOf(messages);
    }

    static Instant parseInternalDate(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.strip(), INTERNALDATE).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
