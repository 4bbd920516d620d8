package io.popbridge.pop3;

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

/** POP3 command decoding: 1,000 pipelined commands in one read. Commands/s = ops/s × 1,000. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Pop3LineDecoderBenchmark {

    private ByteBuf input;
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder commands = new StringBuilder();
        String[] verbs = {"STAT", "LIST 17", "UIDL 17", "RETR 17", "TOP 17 0", "DELE 17", "NOOP"};
        for (int i = 0; i < 1000; i++) {
            commands.append(verbs[i % verbs.length]).append("\r\n");
        }
        input = Unpooled.directBuffer().writeBytes(commands.toString().getBytes(StandardCharsets.US_ASCII));
        channel = new EmbeddedChannel(new Pop3LineDecoder(255));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        input.release();
    }

    @Benchmark
    public int decodeThousandCommands() {
        channel.writeInbound(input.retainedDuplicate());
        int lines = 0;
        for (Object msg; (msg = channel.readInbound()) != null;) {
            lines++;
            ReferenceCountUtil.release(msg);
        }
        return lines;
    }
}
