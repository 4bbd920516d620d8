package io.popbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately naive IMAP client over a plain socket, independent of popbridge's own IMAP code:
 * the oracle that end-to-end tests check the bridge against ("what does the server really hold").
 */
public final class RawImap implements Closeable {

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tag;

    public RawImap(String host, int port, String user, String password) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        readLine(); // greeting
        login(user.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        ok("SELECT INBOX");
    }

    /** LOGIN with two synchronizing literals: no quoting rules to get wrong. */
    private void login(byte[] user, byte[] password) throws IOException {
        String t = "T" + (++tag);
        out.write((t + " LOGIN {" + user.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expectContinuation();
        out.write(user);
        out.write((" {" + password.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        expectContinuation();
        out.write(password);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (;;) {
            String line = readLine();
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IOException("LOGIN failed: " + line);
                }
                return;
            }
        }
    }

    private void expectContinuation() throws IOException {
        String line = readLine();
        if (!line.startsWith("+")) {
            throw new IOException("no continuation: " + line);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Runs a command, returns the untagged lines (literals inlined as text), fails unless OK. */
    public List<String> ok(String command) throws IOException {
        String t = "T" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> lines = new ArrayList<>();
        for (;;) {
            String line = readLine();
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IOException(command.split(" ")[0] + " failed: " + line);
                }
                return lines;
            }
            lines.add(line);
        }
    }

    /** Appends a message with exactly these octets. */
    public void append(byte[] message, String flags) throws IOException {
        append("INBOX", message, flags, null);
    }

    /**
     * Appends a message with exactly these octets to {@code mailbox}, with an INTERNALDATE such as
     * {@code "17-Jul-1996 02:44:25 -0700"} (or null for now).
     */
    public void append(String mailbox, byte[] message, String flags, String internalDate) throws IOException {
        String t = "T" + (++tag);
        String flagPart = flags == null ? "" : "(" + flags + ") ";
        String datePart = internalDate == null ? "" : quote(internalDate) + " ";
        out.write((t + " APPEND " + quote(mailbox) + " " + flagPart + datePart + "{" + message.length + "}\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String cont = readLine();
        if (!cont.startsWith("+")) {
            throw new IOException("no continuation: " + cont);
        }
        out.write(message);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (;;) {
            String line = readLine();
            if (line.startsWith(t + " ")) {
                if (!line.startsWith(t + " OK")) {
                    throw new IOException("APPEND failed: " + line);
                }
                return;
            }
        }
    }

    /** The octets of {@code BODY.PEEK[]} for the UID, or null if the UID does not exist. */
    public byte[] body(long uid) throws IOException {
        String t = "T" + (++tag);
        out.write((t + " UID FETCH " + uid + " BODY.PEEK[]\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] body = null;
        for (;;) {
            String line = readLine();
            Matcher m = LITERAL.matcher(line);
            if (line.startsWith("* ") && m.find()) {
                byte[] literal = in.readNBytes(Integer.parseInt(m.group(1)));
                if (line.contains("BODY[]")) {
                    body = literal;
                }
                readLine(); // rest of the FETCH line
            } else if (line.startsWith(t + " ")) {
                return body;
            }
        }
    }

    /** UIDs of all messages, ascending. */
    public List<Long> uids() throws IOException {
        List<Long> uids = new ArrayList<>();
        for (String line : ok("UID SEARCH ALL")) {
            if (line.startsWith("* SEARCH")) {
                for (String n : line.substring("* SEARCH".length()).trim().split(" ")) {
                    if (!n.isEmpty()) {
                        uids.add(Long.parseLong(n));
                    }
                }
            }
        }
        uids.sort(null);
        return uids;
    }

    /** The FLAGS of the UID as the server reports them, e.g. "\Seen $POP3Deleted". */
    public String flags(long uid) throws IOException {
        for (String line : ok("UID FETCH " + uid + " (FLAGS)")) {
            Matcher m = Pattern.compile("FLAGS \\(([^)]*)\\)").matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Message count in the named folder. */
    public int count(String folder) throws IOException {
        for (String line : ok("STATUS " + quote(folder) + " (MESSAGES)")) {
            Matcher m = Pattern.compile("MESSAGES (\\d+)").matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IOException("no STATUS answer");
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws IOException {
        try {
            out.write("TZ LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
