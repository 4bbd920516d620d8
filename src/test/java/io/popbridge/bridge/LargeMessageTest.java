package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.popbridge.imap.ImapClientOptions;
import io.popbridge.pop3.Pop3Options;
import io.popbridge.server.BridgeServer;
import io.popbridge.testing.Pop3TestClient;
import io.popbridge.testing.RawImap;
import io.popbridge.testing.Upstream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 50 MB message to a client that reads slowly: it arrives whole and byte-exact, while the
 * buffer memory the bridge holds stays bounded by its watermarks and read buffers, far below the
 * message size.
 */
class LargeMessageTest {

    private static final int SIZE = 50 * 1024 * 1024;
    /** Generous against the ~64 KiB watermark plus read buffers, yet far below the message. */
    private static final long MAX_BUFFER_MEMORY = 12L * 1024 * 1024;

    private Upstream upstream;
    private BridgeServer bridge;
    private byte[] message;

    @BeforeEach
    void setUp() throws Exception {
        upstream = new Upstream();
        message = bigMessage();
        try (RawImap imap = upstream.imap()) {
            imap.append(message, null);
        }
        BridgeOptions options = new BridgeOptions(upstream.endpoint(),
                new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(30), 64 * 1024, 1L << 31, null),
                "INBOX", DeletePolicy.HIDE, RetrievePolicy.PEEK, BridgeOptions.DEFAULT_HIDE_KEYWORD);
        bridge = BridgeServer.start(new InetSocketAddress("127.0.0.1", 0), Pop3Options.defaults(),
                new ImapMailboxProvider(options), 1);
    }

    @AfterEach
    void tearDown() {
        bridge.close();
        upstream.close();
    }

    private static byte[] bigMessage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE + 1024);
        out.writeBytes(("From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] line = new byte[78];
        long seed = 42;
        while (out.size() < SIZE) {
            for (int i = 0; i < 76; i++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                line[i] = (byte) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charAt((int) ((seed >>> 33) & 63));
            }
            line[76] = '\r';
            line[77] = '\n';
            out.writeBytes(line);
        }
        return out.toByteArray();
    }

    private static long bufferMemory() {
        long used = 0;
        for (ByteBufAllocator allocator : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT)) {
            if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                ByteBufAllocatorMetric metric = provider.metric();
                used += metric.usedDirectMemory() + metric.usedHeapMemory();
            }
        }
        return used;
    }

    @Test
    void fiftyMegabytesToASlowReaderPassInBoundedBufferMemory() throws Exception {
        try (Pop3TestClient pop = new Pop3TestClient(bridge.localAddress())) {
            pop.socket().setReceiveBufferSize(64 * 1024);
            pop.login(Upstream.USER, Upstream.PASSWORD);
            // (GreenMail's RFC822.SIZE is the body length only, so the announced size is not checked here.)
            assertTrue(pop.command("STAT").startsWith("+OK 1 "));
            assertTrue(pop.command("RETR 1").matches("\\+OK \\d+ octets"));
            long baseline = bufferMemory();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = pop.rawInput();
            byte[] chunk = new byte[256 * 1024];
            byte[] tail = new byte[0];
            long received = 0;
            long peak = 0;
            long wireSize = message.length + 3; // no line starts with '.', so only ".\r\n" is added
            while (received < wireSize) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, wireSize - received));
                if (n < 0) {
                    break;
                }
                long bodyPart = Math.max(0, Math.min(n, message.length - received));
                digest.update(chunk, 0, (int) bodyPart);
                if (bodyPart < n) {
                    tail = concat(tail, Arrays.copyOfRange(chunk, (int) bodyPart, n));
                }
                received += n;
                peak = Math.max(peak, bufferMemory() - baseline);
                Thread.sleep(2); // a slow reader: the bridge must stop reading upstream, not buffer
            }
            assertEquals(wireSize, received);
            assertEquals(".\r\n", new String(tail, StandardCharsets.US_ASCII));
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(message), digest.digest());
            assertTrue(peak < MAX_BUFFER_MEMORY, "buffer memory grew by " + peak + " bytes during the transfer");
            assertTrue(pop.command("NOOP").startsWith("+OK"));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
