package io.popbridge.load;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A deliberately slow POP3 reader for the memory benchmark: logs in, LISTs message 1, RETRs it
 * reading {@code chunk} octets every {@code pauseMillis} (small socket receive buffer, so TCP does
 * not soak up the message), un-dot-stuffs on the fly and checks the octet count against LIST.
 * Prints progress lines {@code progress PERCENT} (bench/memory.sh samples the server then).
 *
 * <p>Usage: {@code SlowRetr PORT USER PASSWORD [CHUNK] [PAUSE_MS]}. Exit status 0 only if the
 * whole message arrived with its listed size.
 */
public final class SlowRetr {

    private SlowRetr() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int chunk = args.length > 3 ? Integer.parseInt(args[3]) : 64 * 1024;
        long pause = args.length > 4 ? Long.parseLong(args[4]) : 20;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(120_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            expectOk(in);
            out.write(("USER " + args[1] + "\r\nPASS " + args[2] + "\r\nLIST 1\r\nRETR 1\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            expectOk(in);
            expectOk(in);
            long listed = Long.parseLong(expectOk(in).split(" ")[2]);
            expectOk(in);
            MultiLineReader body = new MultiLineReader();
            byte[] buffer = new byte[chunk];
            long start = System.nanoTime();
            int lastPercent = -1;
            while (!body.done()) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new java.io.EOFException("closed after " + body.octets() + " of " + listed + " octets");
                }
                body.feed(buffer, 0, n);
                int percent = (int) (100 * body.octets() / Math.max(1, listed));
                if (percent / 10 != lastPercent / 10) {
                    System.out.println("progress " + percent);
                    System.out.flush();
                    lastPercent = percent;
                }
                Thread.sleep(pause);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "retr %d octets (LIST %d) in %.1fs, %.2f MB/s: %s%n", body.octets(), listed,
                    seconds, body.octets() / seconds / 1e6, body.octets() == listed ? "size ok" : "SIZE MISMATCH");
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            System.exit(body.octets() == listed ? 0 : 1);
        }
    }

    private static String expectOk(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException("closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        if (!line.toString().startsWith("+OK")) {
            throw new java.io.IOException("expected +OK: " + line);
        }
        return line.toString();
    }
}
