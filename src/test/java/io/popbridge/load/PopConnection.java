package io.popbridge.load;

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
import javax.net.ssl.SSLSocket;

/**
 * One POP3 client connection of the load tool: blocking socket, optional STLS or implicit TLS
 * (trust-all, see {@link Tls}), and response reading that never keeps a message body.
 */
final class PopConnection implements Closeable {

    /** A -ERR (or otherwise unexpected) status line; {@code command} names the command for error counts. */
    static final class ErrReply extends IOException {
        final String command;

        ErrReply(String command, String status) {
            super(command + ": " + status);
            this.command = command;
        }
    }

    /** The TCP socket; {@link #current} is it or, after STLS or with POP3S, the TLS socket over it. */
    private final Socket plain;
    private Socket current;
    private InputStream in;
    private OutputStream out;
    private final MultiLineReader body = new MultiLineReader();
    /** Own read buffer: bodies are scanned in bulk, and what follows a response stays buffered. */
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    private PopConnection(Socket plain, Socket current) throws IOException {
        this.plain = plain;
        this.current = current;
        in = current.getInputStream();
        out = current.getOutputStream();
    }

    static PopConnection open(Target target) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(target.host(), target.port()), target.timeoutMillis());
            plain.setSoTimeout(target.timeoutMillis());
            Socket socket = target.tls() == Target.TlsMode.IMPLICIT ? Tls.wrap(plain, target.host(), target.port()) : plain;
            PopConnection connection = new PopConnection(plain, socket);
            connection.expectOk("greeting", connection.readLine());
            if (target.tls() == Target.TlsMode.STLS) {
                connection.command("STLS");
                connection.upgrade(Tls.wrap(plain, target.host(), target.port()));
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private void upgrade(SSLSocket tls) throws IOException {
        tls.startHandshake();
        current = tls;
        in = tls.getInputStream();
        position = 0;
        limit = 0;
        out = tls.getOutputStream();
    }


    void login(String user, String password) throws IOException {
        command("USER " + user, "USER");
        command("PASS " + password, "PASS");
    }

    /** Sends a command and returns its +OK status line; -ERR throws {@link ErrReply}. */
    String command(String line) throws IOException {
        int space = line.indexOf(' ');
        return command(line, space < 0 ? line : line.substring(0, space));
    }

    private String command(String line, String name) throws IOException {
        send(line);
        return expectOk(name, readLine());
    }

    /** STAT: the message count and total size. */
    long[] stat() throws IOException {
        String[] parts = command("STAT").split(" ");
        if (parts.length < 3) {
            throw new ErrReply("STAT", "malformed");
        }
        return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
    }

    /** UIDL: the number of listed messages (the lines are read and dropped). */
    long uidlCount() throws IOException {
        command("UIDL");
        readBody();
        return body.lines();
    }

    /** LIST: the sizes, in message-number order ({@code sizes[i]} is message {@code numbers[i]}). */
    List<long[]> list() throws IOException {
        command("LIST");
        List<long[]> entries = new ArrayList<>();
        for (String line = readLine(); !line.equals("."); line = readLine()) {
            String[] parts = line.split(" ");
            if (parts.length < 2) {
                throw new ErrReply("LIST", "malformed line");
            }
            entries.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
        }
        return entries;
    }

    /** RETR n: the octet count after un-dot-stuffing, CRLFs included, terminator excluded. */
    long retr(long n) throws IOException {
        command("RETR " + n, "RETR");
        return readBody();
    }

    /** TOP n lines: the octet count as for RETR. */
    long top(long n, int lines) throws IOException {
        command("TOP " + n + " " + lines, "TOP");
        return readBody();
    }

    void noop() throws IOException {
        command("NOOP");
    }

    void quit() throws IOException {
        command("QUIT");
    }

    private void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String expectOk(String command, String status) throws ErrReply {
        if (!status.startsWith("+OK")) {
            throw new ErrReply(command, status.length() > 80 ? status.substring(0, 80) : status);
        }
        return status;
    }

    /** A multi-line body from the buffer: the unstuffed octet count; bytes after the terminator stay buffered. */
    private long readBody() throws IOException {
        body.reset();
        while (!body.done()) {
            if (position == limit) {
                fill("a multi-line response after " + body.octets() + " octets");
            }
            position += body.feed(buffer, position, limit - position);
        }
        return body.octets();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = null;
        for (;;) {
            if (position == limit) {
                fill("a status line");
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int end = position;
            boolean complete = position < limit;
            if (complete) {
                position++; // the LF
            }
            if (line == null && complete) {
                return text(buffer, start, end);
            }
            if (line == null) {
                line = new ByteArrayOutputStream(128);
            }
            line.write(buffer, start, end - start);
            if (complete) {
                byte[] bytes = line.toByteArray();
                return text(bytes, 0, bytes.length);
            }
            if (line.size() > 64 * 1024) {
                throw new IOException("status line longer than 64 KiB");
            }
        }
    }

    private static String text(byte[] bytes, int from, int to) {
        int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
        return new String(bytes, from, end - from, StandardCharsets.UTF_8);
    }

    private void fill(String inside) throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            throw new EOFException("connection closed by the server inside " + inside);
        }
        position = 0;
        limit = n;
    }

    @Override
    public void close() {
        try {
            current.close();
            plain.close();
        } catch (IOException ignored) {
            // closing a benchmark connection: nothing to do
        }
    }
}
