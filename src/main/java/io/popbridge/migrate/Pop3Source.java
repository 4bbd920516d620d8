package io.popbridge.migrate;

import io.popbridge.migrate.MigrationException.Kind;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Reads what the migration needs from a user's old POP3 server (RFC 1939): UIDL, LIST and the
 * header of every message ({@code TOP n 0}), keeping only Message-ID and Date. Read-only: it
 * never sends DELE, and ends with QUIT (nothing was marked, so the UPDATE state changes nothing).
 * Blocking; one instance per user and connection.
 */
final class Pop3Source implements AutoCloseable {
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_HEADER = 256 * 1024;

    private final OldServer server;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private Pop3Source(OldServer server) {
        this.server = server;
    }

    /** Logs in as {@code user} and reads the mailbox; the password array is not kept. */
    static List<OldMessage> read(OldServer server, String user, byte[] password) throws MigrationException {
        try (Pop3Source source = new Pop3Source(server)) {
            source.connect();
            source.login(user, password);
            List<OldMessage> messages = source.messages();
            source.quit();
            return messages;
        }
    }

    private void connect() throws MigrationException {
        String where = server.host() + ":" + server.port();
        try {
            Socket plain = new Socket();
            socket = plain;
            plain.connect(new InetSocketAddress(server.host(), server.port()), (int) server.timeout().toMillis());
            plain.setSoTimeout((int) server.timeout().toMillis());
            if (server.security() == OldServer.Security.POP3S) {
                startTls(plain);
            } else {
                streams();
            }
            expectOk("greeting");
            if (server.security() == OldServer.Security.STLS) {
                command("STLS");
                String reply = line();
                if (!reply.startsWith("+OK")) {
                    throw new MigrationException(Kind.TLS, "the old server " + where
                            + " refused STLS; not sending the password in clear");
                }
                startTls(plain);
            }
        } catch (SSLException e) {
            throw new MigrationException(Kind.TLS, "TLS with the old server " + where + " failed: " + e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new MigrationException(Kind.CONNECT, "the old server " + where + " did not answer within "
                    + server.timeout().toSeconds() + " s", e);
        } catch (IOException e) {
            throw new MigrationException(Kind.CONNECT, "cannot reach the old server " + where + ": " + e.getMessage(), e);
        }
    }

    private void startTls(Socket plain) throws IOException {
        SSLSocket tls = (SSLSocket) server.sslContext().getSocketFactory()
                .createSocket(plain, server.host(), server.port(), true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        tls.setSSLParameters(params);
        tls.startHandshake();
        socket = tls;
        streams();
    }

    private void streams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private void login(String user, byte[] password) throws MigrationException {
        if (containsLineBreak(user.getBytes(StandardCharsets.UTF_8)) || containsLineBreak(password)) {
            throw new MigrationException(Kind.AUTH, "user name or password contains CR, LF or NUL; not sent");
        }
        try {
            command("USER " + user);
            String reply = line();
            if (reply.startsWith("+OK")) {
                byte[] pass = new byte[5 + password.length + 2];
                System.arraycopy("PASS ".getBytes(StandardCharsets.US_ASCII), 0, pass, 0, 5);
                System.arraycopy(password, 0, pass, 5, password.length);
                pass[pass.length - 2] = '\r';
                pass[pass.length - 1] = '\n';
                try {
                    out.write(pass);
                    out.flush();
                } finally {
                    Arrays.fill(pass, (byte) 0);
                }
                reply = line();
            }
            if (!reply.startsWith("+OK")) {
                // The reply text is not repeated: some servers echo what they were sent.
                throw new MigrationException(Kind.AUTH, "the old server refused the login of " + user
                        + (reply.contains("[IN-USE]") ? " (mailbox in use)" : ""));
            }
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private List<OldMessage> messages() throws MigrationException {
        try {
            Map<Integer, String> uidls = new HashMap<>();
            command("UIDL");
            String reply = line();
            if (!reply.startsWith("+OK")) {
                throw new MigrationException(Kind.PROTOCOL, "the old server does not support UIDL");
            }
            for (String l : multiLine()) {
                String[] parts = l.strip().split(" +", 2);
                uidls.put(number(parts[0]), parts.length < 2 ? "" : parts[1]);
            }
            Map<Integer, Long> sizes = new HashMap<>();
            command("LIST");
            expectOk("LIST");
            for (String l : multiLine()) {
                String[] parts = l.strip().split(" +");
                if (parts.length < 2) {
                    throw new MigrationException(Kind.PROTOCOL, "malformed LIST line from the old server");
                }
                try {
                    sizes.put(number(parts[0]), Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    throw new MigrationException(Kind.PROTOCOL, "malformed LIST line from the old server");
                }
            }
            List<OldMessage> messages = new ArrayList<>();
            for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(uidls).entrySet()) {
                Long size = sizes.get(e.getKey());
                if (size == null) {
                    continue; // gone between UIDL and LIST: nothing to match
                }
                command("TOP " + e.getKey() + " 0");
                if (!line().startsWith("+OK")) {
                    throw new MigrationException(Kind.PROTOCOL, "the old server refused TOP " + e.getKey() + " 0");
                }
                messages.add(new OldMessage(e.getKey(), e.getValue(), size, HeaderFields.parse(multiLineBytes())));
            }
            return messages;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private static int number(String text) throws MigrationException {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new MigrationException(Kind.PROTOCOL, "malformed message number from the old server");
        }
    }

    private void quit() {
        try {
            command("QUIT");
            line();
        } catch (IOException | MigrationException e) {
            // everything needed was read; a QUIT lost on the way changes nothing (no DELE sent)
        }
    }

    private MigrationException broken(IOException e) {
        String where = server.host() + ":" + server.port();
        return e instanceof SocketTimeoutException
                ? new MigrationException(Kind.CONNECT, "the old server " + where + " stopped answering", e)
                : new MigrationException(Kind.CONNECT, "connection to the old server " + where + " failed: "
                        + e.getMessage(), e);
    }

    private void expectOk(String what) throws IOException, MigrationException {
        String reply = line();
        if (!reply.startsWith("+OK")) {
            throw new MigrationException(Kind.PROTOCOL, "the old server answered " + what + " with an error");
        }
    }

    private void command(String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private List<String> multiLine() throws IOException, MigrationException {
        List<String> lines = new ArrayList<>();
        for (String l = line(); !l.equals("."); l = line()) {
            lines.add(l.startsWith("..") ? l.substring(1) : l);
        }
        return lines;
    }

    /** A multi-line body as CRLF lines, dot-unstuffed, kept up to {@link #MAX_HEADER} octets. */
    private byte[] multiLineBytes() throws IOException, MigrationException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String l = line(); !l.equals("."); l = line()) {
            if (body.size() < MAX_HEADER) {
                body.writeBytes((l.startsWith("..") ? l.substring(1) : l).getBytes(StandardCharsets.ISO_8859_1));
                body.writeBytes(new byte[] {'\r', '\n'});
            }
        }
        return body.toByteArray();
    }

    /** One line without its CRLF, octets as ISO-8859-1 characters. */
    private String line() throws IOException, MigrationException {
        StringBuilder sb = new StringBuilder();
        for (;;) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the old server");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new MigrationException(Kind.PROTOCOL, "line longer than " + MAX_LINE + " octets from the old server");
            }
            sb.append((char) b);
        }
    }

    private static boolean containsLineBreak(byte[] value) {
        for (byte b : value) {
            if (b == '\r' || b == '\n' || b == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
