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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference for RETR throughput: the same messages fetched straight from the IMAP server with
 * {@code UID FETCH <uid> BODY.PEEK[]}, one command per message as popbridge does, body literals
 * counted and dropped. Plain IMAP on loopback only; no TLS. User names and passwords are sent as
 * quoted strings, so they must be ASCII (no literals).
 */
final class ImapDirect implements Closeable {

    /** A tagged NO/BAD (or a missing literal). */
    static final class NoReply extends IOException {
        final String command;

        NoReply(String command, String status) {
            super(command + ": " + status);
            this.command = command;
        }
    }

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");
    private static final Pattern UID_SIZE = Pattern.compile("UID (\\d+)|RFC822\\.SIZE (\\d+)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    ImapDirect(Target target) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target.host(), target.port()), target.timeoutMillis());
            socket.setSoTimeout(target.timeoutMillis());
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            String greeting = readLine();
            if (!greeting.startsWith("* OK")) {
                throw new NoReply("greeting", greeting);
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    void login(String user, String password) throws IOException {
        command("LOGIN", "LOGIN " + quote(user) + " " + quote(password), null);
        command("SELECT", "SELECT INBOX", null);
    }

    /** UID and RFC822.SIZE of every message, in mailbox order (FLAGS fetched too, as popbridge does). */
    List<long[]> listing() throws IOException {
        List<long[]> entries = new ArrayList<>();
        command("FETCH", "UID FETCH 1:* (UID RFC822.SIZE FLAGS)", line -> {
            if (line.startsWith("* ") && line.contains(" FETCH ")) {
                long uid = -1;
                long size = -1;
                Matcher m = UID_SIZE.matcher(line);
                while (m.find()) {
                    if (m.group(1) != null) {
                        uid = Long.parseLong(m.group(1));
                    } else {
                        size = Long.parseLong(m.group(2));
                    }
                }
                entries.add(new long[] {uid, size});
            }
        });
        return entries;
    }

    /** UID FETCH uid BODY.PEEK[]: the body literal's length (its octets are read and dropped). */
    long fetchBody(long uid) throws IOException {
        command("FETCH", "UID FETCH " + uid + " BODY.PEEK[]", null);
        if (lastLiteral < 0) {
            throw new NoReply("FETCH", "no body literal for UID " + uid);
        }
        return lastLiteral;
    }

    void logout() throws IOException {
        command("LOGOUT", "LOGOUT", null);
    }

    private long lastLiteral;

    private void command(String name, String line, java.util.function.Consumer<String> untagged) throws IOException {
        String t = "a" + (++tag);
        out.write((t + " " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        lastLiteral = -1;
        for (;;) {
            String response = readLine();
            Matcher literal = LITERAL.matcher(response);
            while (literal.find()) {
                long length = Long.parseLong(literal.group(1));
                skip(length);
                lastLiteral = length;
                String rest = readLine(); // the remainder of the response after the literal
                response = response + "<literal>" + rest;
                literal = LITERAL.matcher(rest);
            }
            if (response.startsWith(t + " ")) {
                if (!response.startsWith(t + " OK")) {
                    throw new NoReply(name, response.length() > 80 ? response.substring(0, 80) : response);
                }
                return;
            }
            if (untagged != null) {
                untagged.accept(response);
            }
        }
    }

    private void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() == -1) {
                    throw new EOFException("connection closed inside a literal");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (;;) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed by the IMAP server");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // benchmark connection
        }
    }
}
