package io.popbridge.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict POP3 client over a plain socket for end-to-end tests: it checks the wire format (CRLF
 * everywhere, the terminating dot) and undoes dot-stuffing, so tests see exactly what a client
 * would store.
 */
public final class Pop3TestClient implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    public final String greeting;

    public Pop3TestClient(InetSocketAddress address) throws IOException {
        this(connect(address), true);
    }

    /**
     * Over an already connected socket (a TLS socket, say); reads the greeting when
     * {@code greets}, as after a fresh connect, but not after STLS.
     */
    public Pop3TestClient(Socket connected, boolean greets) throws IOException {
        socket = connected;
        socket.setSoTimeout(60_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
        greeting = greets ? readLine() : null;
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 10_000);
        return socket;
    }

    public Socket socket() {
        return socket;
    }

    /** Sends a line (CRLF added) and returns the status line. */
    public String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    public void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** USER + PASS; fails the test unless both are accepted. */
    public Pop3TestClient login(String user, String password) throws IOException {
        expectOk(command("USER " + user));
        expectOk(command("PASS " + password));
        return this;
    }

    public static String expectOk(String status) throws IOException {
        if (!status.startsWith("+OK")) {
            throw new IOException("expected +OK, got: " + status);
        }
        return status;
    }

    /** Reads the lines of a multi-line response after its status line, without the dot. */
    public List<String> lines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            lines.add(line.startsWith(".") ? line.substring(1) : line);
        }
        return lines;
    }

    /** A multi-line body as the client stores it: dot-unstuffed, CRLF line ends, without the terminator. */
    public byte[] body() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (;;) {
            byte[] line = readRawLine();
            if (line.length == 1 && line[0] == '.') {
                return body.toByteArray();
            }
            int from = line.length > 0 && line[0] == '.' ? 1 : 0;
            body.write(line, from, line.length - from);
            body.write('\r');
            body.write('\n');
        }
    }

    /** RETR n: the body, or an IOException with the -ERR line. */
    public byte[] retr(int n) throws IOException {
        expectOk(command("RETR " + n));
        return body();
    }

    public String readLine() throws IOException {
        return new String(readRawLine(), StandardCharsets.UTF_8);
    }

    /** One line without its CRLF; a bare LF or a missing CR is a test failure. */
    private byte[] readRawLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (;;) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed after " + line.size() + " octets of a line");
            }
            if (b == '\n') {
                if (previous != '\r') {
                    throw new IOException("bare LF on the wire");
                }
                byte[] bytes = line.toByteArray();
                return java.util.Arrays.copyOf(bytes, bytes.length - 1);
            }
            line.write(b);
            previous = b;
        }
    }

    /** Whether the server closed the connection (reads EOF). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    public InputStream rawInput() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
