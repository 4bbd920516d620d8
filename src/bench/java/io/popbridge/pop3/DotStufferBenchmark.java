package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Dot-stuffing throughput over 1 MiB of mail in 64 KiB chunks (the size of an upstream read).
 * {@code crlf}: ordinary CRLF mail with a dot-led line every 50 lines; {@code lf}: the same with
 * bare LF line ends, the worst case (every line end is rewritten). {@code input}: {@code pooled}
 * feeds retained slices of a pooled direct buffer; {@code slice} feeds plain slices (as the IMAP
 * decoder hands literal content on, a slice whose every octet access goes through the parent).
 * MB/s = ops/s × 1.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DotStufferBenchmark {

    static final int SIZE = 1 << 20;
    static final int CHUNK = 64 * 1024;

    @Param({"crlf", "lf"})
    public String lineEnds;

    @Param({"pooled", "slice"})
    public String input;

    private ByteBuf message;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;

    @Setup(Level.Trial)
    public void setUp() {
        String eol = lineEnds.equals("crlf") ? "\r\n" : "\n";
        StringBuilder text = new StringBuilder(SIZE + 200);
        int line = 0;
        while (text.length() < SIZE) {
            if (line++ % 50 == 0) {
                text.append('.');
            }
            text.append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod").append(eol);
        }
        byte[] bytes = text.substring(0, SIZE).getBytes(StandardCharsets.US_ASCII);
        message = alloc.directBuffer(SIZE).writeBytes(bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        message.release();
    }

    @Benchmark
    public long stuffOneMebibyte() {
        DotStuffer stuffer = new DotStuffer(alloc);
        long out = 0;
        for (int offset = 0; offset < SIZE; offset += CHUNK) {
            ByteBuf chunk = input.equals("pooled")
                    ? message.retainedSlice(offset, CHUNK)
                    : message.slice(offset, CHUNK).retain();
            ByteBuf result = stuffer.stuff(chunk);
            out += result.readableBytes();
            result.release();
        }
        ByteBuf end = stuffer.end();
        out += end.readableBytes();
        end.release();
        return out;
    }
}
