package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.popbridge.imap.ImapClient;
import io.popbridge.pop3.BodySink;
import java.nio.charset.StandardCharsets;

/**
 * Forwards {@code BODY[HEADER]} for TOP and makes sure it ends with the empty line that separates
 * header and body. RFC 3501 includes that line in HEADER, but some servers (GreenMail among them)
 * leave it out; TOP must send it either way (RFC 1939).
 */
final class HeaderRelay extends BodyRelay {

    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);

    private boolean endsWithLineEnd;
    private boolean lastLineEmpty;
    private boolean currentLineEmpty = true;

    HeaderRelay(ImapClient client, BodySink sink) {
        super(client, sink);
    }

    @Override
    public void bodyChunk(ByteBuf chunk) {
        chunk.forEachByte(b -> {
            if (b == '\n') {
                endsWithLineEnd = true;
                lastLineEmpty = currentLineEmpty;
                currentLineEmpty = true;
            } else if (b != '\r') {
                endsWithLineEnd = false;
                currentLineEmpty = false;
            }
            return true;
        });
        super.bodyChunk(chunk);
    }

    /** Sends what is missing of the terminating empty line; call once the header literal is done. */
    void completeHeader() {
        if (!started || (endsWithLineEnd && lastLineEmpty)) {
            return;
        }
        if (!endsWithLineEnd && received > 0) {
            forward(Unpooled.wrappedBuffer(CRLF)); // finish the last header line
        }
        forward(Unpooled.wrappedBuffer(CRLF));
    }
}
