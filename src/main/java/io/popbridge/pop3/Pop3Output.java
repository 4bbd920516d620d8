package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes reply lines. Replies are ASCII; ISO-8859-1 keeps any octet 1:1 all the same. */
final class Pop3Output {

    private Pop3Output() {
    }

    static ByteBuf line(ByteBufAllocator alloc, String line) {
        ByteBuf buf = alloc.buffer(line.length() + 2);
        buf.writeCharSequence(line, StandardCharsets.ISO_8859_1);
        return buf.writeByte('\r').writeByte('\n');
    }

    /** A multi-line reply whose lines are known not to need dot-stuffing (listings, CAPA). */
    static ByteBuf multiLine(ByteBufAllocator alloc, String first, List<String> lines) {
        int size = first.length() + 5;
        for (String l : lines) {
            size += l.length() + 2;
        }
        ByteBuf buf = alloc.buffer(size);
        buf.writeCharSequence(first, StandardCharsets.ISO_8859_1);
        buf.writeByte('\r').writeByte('\n');
        for (String l : lines) {
            buf.writeCharSequence(l, StandardCharsets.ISO_8859_1);
            buf.writeByte('\r').writeByte('\n');
        }
        return buf.writeByte('.').writeByte('\r').writeByte('\n');
    }
}
