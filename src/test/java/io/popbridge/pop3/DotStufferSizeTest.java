package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The size the front end reports after a reply equals the CRLF-normalised message, dots aside. */
class DotStufferSizeTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a\\r\\nb\\r\\n | a\\r\\nb\\r\\n",
        "a\\nb\\n | a\\r\\nb\\r\\n",
        "a\\rb | a\\r\\nb\\r\\n",
        "a\\r\\nno end | a\\r\\nno end\\r\\n",
        ".dot\\r\\n..two\\r\\n | .dot\\r\\n..two\\r\\n",
        "trailing cr\\r | trailing cr\\r\\n",
        "'' | ''",
    })
    void inputPlusAddedLineEndsIsTheNormalisedSize(String raw, String normalised) {
        byte[] input = unescape(raw);
        DotStuffer stuffer = new DotStuffer(UnpooledByteBufAllocator.DEFAULT);
        for (int i = 0; i < input.length; i++) { // one octet per chunk: state crosses every boundary
            stuffer.stuff(Unpooled.wrappedBuffer(new byte[] {input[i]})).release();
        }
        ByteBuf end = stuffer.end();
        end.release();
        assertEquals(unescape(normalised).length, input.length + stuffer.lineEndOctetsAdded());
    }

    private static byte[] unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
