package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * IMAP response decoding, fed in 64 KiB reads as from a socket:
 * {@code fetchBody}: one FETCH with a 1 MiB BODY[] literal (MB/s = ops/s × 1);
 * {@code listing}: 1,000 {@code FETCH (UID RFC822.SIZE FLAGS)} lines (lines/s = ops/s × 1,000).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ImapResponseDecoderBenchmark {

    private static final int CHUNK = 64 * 1024;

    private ByteBuf fetchBody;
    private ByteBuf listing;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        int size = 1 << 20;
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' : 'a' + i % 26);
        }
        fetchBody = Unpooled.directBuffer()
                .writeBytes(("* 7 FETCH (UID 42 BODY[] {" + size + "}\r\n").getBytes(StandardCharsets.US_ASCII))
                .writeBytes(body)
                .writeBytes(")\r\nA7 OK UID FETCH completed\r\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            lines.append("* ").append(i).append(" FETCH (UID ").append(1000 + i).append(" RFC822.SIZE ")
                    .append(4000 + i).append(" FLAGS (\\Seen $Label1))\r\n");
        }
        lines.append("A8 OK UID FETCH completed\r\n");
        listing = Unpooled.directBuffer().writeBytes(lines.toString().getBytes(StandardCharsets.US_ASCII));
        channel = new EmbeddedChannel(new ImapResponseDecoder(64 * 1024, 1L << 31));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        fetchBody.release();
        listing.release();
    }

    private int feed(ByteBuf all) {
        int events = 0;
        for (int offset = 0; offset < all.writerIndex(); offset += CHUNK) {
            channel.writeInbound(all.retainedSlice(offset, Math.min(CHUNK, all.writerIndex() - offset)));
            for (Object msg; (msg = channel.readInbound()) != null;) {
                events++;
                ReferenceCountUtil.release(msg);
            }
        }
        return events;
    }

    @Benchmark
    public int fetchBody() {
        return feed(fetchBody);
    }

    @Benchmark
    public int listing() {
        return feed(listing);
    }
}
