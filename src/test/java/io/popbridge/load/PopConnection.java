package io.popbridge.load;

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

    private final Socket socket;
    private InputStream in;
    private OutputStream out;
    private final MultiLineReader body = new MultiLineReader();

    private PopConnection(Socket socket) throws IOException {
        this.socket = socket;
        streams();
    }

    static PopConnection open(Target target) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(target.host(), target.port()), target.timeoutMillis());
            plain.setSoTimeout(target.timeoutMillis());
            Socket socket = target.tls() == Target.TlsMode.IMPLICIT ? Tls.wrap(plain, target.host(), target.port()) : plain;
            PopConnection connection = new PopConnection(socket);
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
        socketRef = tls;
        in = new BufferedInputStream(tls.getInputStream(), 64 * 1024);
        out = tls.getOutputStream();
    }

    private Socket socketRef;

    private void streams() throws IOException {
        socketRef = socket;
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
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
        body.readBody(in);
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
        return body.readBody(in);
    }

    /** TOP n lines: the octet count as for RETR. */
    long top(long n, int lines) throws IOException {
        command("TOP " + n + " " + lines, "TOP");
        return body.readBody(in);
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

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (;;) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() > 64 * 1024) {
                throw new IOException("status line longer than 64 KiB");
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        try {
            socketRef.close();
        } catch (IOException ignored) {
            // closing a benchmark connection: nothing to do
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // as above
        }
    }
}
