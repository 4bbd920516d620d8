package io.popbridge.bridge;

import io.popbridge.imap.UpstreamEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small IMAP server on 127.0.0.1 (any number of connections, one at a time each on its own
 * thread) whose INBOX holds fixed messages and whose PERMANENTFLAGS allow neither keywords nor
 * {@code \*}: the kind of upstream where the hide policy must keep its hidden set in the store.
 * Records every command line; stores of flags are answered OK and recorded, never applied.
 */
final class KeywordlessImap implements AutoCloseable {

    private static final Pattern UID_FETCH = Pattern.compile("(?i)UID FETCH ([0-9:,*]+) \\((.*)\\)");

    final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<byte[]> messages = new ArrayList<>();
    private final ServerSocket listener;
    private final Thread acceptor;

    KeywordlessImap(int count) throws IOException {
        for (int i = 1; i <= count; i++) {
            messages.add(MappingBridgeTest.message("k " + i));
        }
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::acceptLoop, "keywordless-imap");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    UpstreamEndpoint endpoint() {
        return new UpstreamEndpoint("127.0.0.1", listener.getLocalPort(), UpstreamEndpoint.Security.PLAIN);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "keywordless-imap-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            send(out, "* OK [CAPABILITY IMAP4rev1 UIDPLUS] keywordless ready\r\n");
            for (String line; (line = readLine(in)) != null;) {
                commands.add(line);
                int sp = line.indexOf(' ');
                String tag = line.substring(0, sp);
                String rest = line.substring(sp + 1);
                String verb = rest.split(" ")[0].toUpperCase();
                if (verb.equals("LOGOUT")) {
                    send(out, "* BYE bye\r\n" + tag + " OK done\r\n");
                    return;
                } else if (verb.equals("CAPABILITY")) {
                    send(out, "* CAPABILITY IMAP4rev1 UIDPLUS\r\n" + tag + " OK done\r\n");
                } else if (verb.equals("SELECT") || verb.equals("EXAMINE")) {
                    send(out, "* " + messages.size() + " EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] v\r\n"
                            + "* OK [UIDNEXT " + (messages.size() + 1) + "] n\r\n* FLAGS (\\Seen \\Deleted)\r\n"
                            + "* OK [PERMANENTFLAGS (\\Seen \\Deleted)] no keywords here\r\n"
                            + tag + " OK [READ-WRITE] selected\r\n");
                } else if (rest.toUpperCase().startsWith("UID FETCH")) {
                    Matcher m = UID_FETCH.matcher(rest);
                    if (!m.matches()) {
                        send(out, tag + " BAD what\r\n");
                        continue;
                    }
                    fetch(out, m.group(1), m.group(2).toUpperCase());
                    send(out, tag + " OK fetched\r\n");
                } else {
                    send(out, tag + " OK done\r\n");
                }
            }
        } catch (IOException e) {
            // connection ended
        }
    }

    private void fetch(OutputStream out, String set, String items) throws IOException {
        for (int uid = 1; uid <= messages.size(); uid++) {
            if (!inSet(uid, set)) {
                continue;
            }
            byte[] body = messages.get(uid - 1);
            ByteArrayOutputStream r = new ByteArrayOutputStream();
            r.writeBytes(("* " + uid + " FETCH (UID " + uid).getBytes(StandardCharsets.US_ASCII));
            if (items.contains("RFC822.SIZE")) {
                r.writeBytes((" RFC822.SIZE " + body.length + " FLAGS () INTERNALDATE \""
                        + MappingBridgeTest.date(uid) + "\"").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] literal = null;
            String name = null;
            if (items.contains("HEADER.FIELDS")) {
                String text = new String(body, StandardCharsets.US_ASCII);
                String id = text.lines().filter(l -> l.startsWith("Message-ID:")).findFirst().orElse("");
                literal = (id + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                name = "BODY[HEADER.FIELDS (MESSAGE-ID)]";
            } else if (items.contains("BODY.PEEK[]")) {
                literal = body;
                name = "BODY[]";
            }
            if (literal != null) {
                r.writeBytes((" " + name + " {" + literal.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
                r.writeBytes(literal);
            }
            r.writeBytes(")\r\n".getBytes(StandardCharsets.US_ASCII));
            send(out, r.toByteArray());
        }
    }

    private boolean inSet(int uid, String set) {
        for (String part : set.split(",")) {
            String[] ends = part.split(":");
            long a = ends[0].equals("*") ? messages.size() : Long.parseLong(ends[0]);
            long b = ends.length == 1 ? a : ends[1].equals("*") ? messages.size() : Long.parseLong(ends[1]);
            if (uid >= Math.min(a, b) && uid <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    private static void send(OutputStream out, String text) throws IOException {
        send(out, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void send(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                return null;
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
