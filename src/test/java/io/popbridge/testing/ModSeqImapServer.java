package io.popbridge.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small IMAP server on 127.0.0.1 with a real model of one mailbox and its mod-sequences, for
 * what neither GreenMail nor every Dovecot offers: CONDSTORE and QRESYNC (RFC 7162) and ESEARCH
 * (RFC 4731), each switchable through the advertised capabilities. It speaks just what a
 * listing needs: LOGIN, CAPABILITY, ENABLE, SELECT/EXAMINE with (CONDSTORE) / (QRESYNC ...),
 * UID FETCH (with CHANGEDSINCE and VANISHED; INTERNALDATE and a Message-ID header field for a
 * bridge's fingerprints), UID SEARCH (ALL, DELETED, KEYWORD k, UID set;
 * RETURN (ALL)), NOOP, LOGOUT. Every command line and every octet in both directions is counted,
 * so tests can assert what a login cost upstream. One thread per connection.
 */
public final class ModSeqImapServer implements AutoCloseable {

    public static final String USER = "alice";
    public static final String PASSWORD = "secret";

    private static final Pattern COMMAND = Pattern.compile("([A-Za-z0-9]+) (.*)");

    private final ServerSocket listener;
    private final String capabilities;
    private final long uidValidity;
    private final TreeMap<Long, long[]> messages = new TreeMap<>(); // uid -> {size, modseq}
    private final TreeMap<Long, Set<String>> flags = new TreeMap<>();
    private final TreeMap<Long, Long> expunged = new TreeMap<>(); // uid -> modseq of the expunge
    private long nextUid = 1;
    private long highestModSeq = 1;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesFromClient = new AtomicLong();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final Thread acceptor;
    /** When set, SELECT with QRESYNC parameters is answered BAD (a server that advertises more than it does). */
    public volatile boolean refuseQresyncSelect;

    /** @param capabilities e.g. "IMAP4rev1 ENABLE CONDSTORE QRESYNC ESEARCH", or "IMAP4rev1" for none */
    public ModSeqImapServer(String capabilities, long uidValidity) throws IOException {
        this.capabilities = capabilities;
        this.uidValidity = uidValidity;
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::acceptLoop, "modseq-imap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Adds a message; returns its UID. */
    public synchronized long append(long size, String... messageFlags) {
        long uid = nextUid++;
        messages.put(uid, new long[] {size, ++highestModSeq});
        flags.put(uid, new LinkedHashSet<>(List.of(messageFlags)));
        return uid;
    }

    public synchronized void expunge(long uid) {
        if (messages.remove(uid) != null) {
            flags.remove(uid);
            expunged.put(uid, ++highestModSeq);
        }
    }

    public synchronized void addFlag(long uid, String flag) {
        flags.get(uid).add(flag);
        messages.get(uid)[1] = ++highestModSeq;
    }

    /** Every command line received (tag removed), in order. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    public long bytesFromClient() {
        return bytesFromClient.get();
    }

    public long bytesToClient() {
        return bytesToClient.get();
    }

    /** Forgets the counts. */
    public void resetCounts() {
        commands.clear();
        bytesFromClient.set(0);
        bytesToClient.set(0);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "modseq-imap-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Conn {
        final InputStream in;
        final OutputStream out;
        boolean condStore;
        boolean qresync;

        Conn(Socket s) throws IOException {
            in = new BufferedInputStream(s.getInputStream());
            out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16); // flushed after each command
        }

        void send(String line) throws IOException {
            byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
            bytesToClient.addAndGet(b.length);
            out.write(b);
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n';) {
                if (b < 0) {
                    return null;
                }
                line.write(b);
            }
            bytesFromClient.addAndGet(line.size() + 1L);
            String s = line.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            Conn c = new Conn(socket);
            c.send("* OK [CAPABILITY " + capabilities + "] modseq test server ready");
            c.out.flush();
            for (String line; (line = c.readLine()) != null;) {
                Matcher m = COMMAND.matcher(line);
                if (!m.matches()) {
                    c.send("* BAD no tag");
                    c.out.flush();
                    continue;
                }
                String tag = m.group(1);
                String rest = m.group(2);
                commands.add(rest);
                boolean bye = handle(c, tag, rest);
                c.out.flush();
                if (bye) {
                    return;
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private boolean handle(Conn c, String tag, String rest) throws IOException {
        String upper = rest.toUpperCase(Locale.ROOT);
        if (upper.equals("CAPABILITY")) {
            c.send("* CAPABILITY " + capabilities);
        } else if (upper.startsWith("LOGIN ")) {
            if (!rest.equals("LOGIN \"" + USER + "\" \"" + PASSWORD + "\"")) {
                c.send(tag + " NO [AUTHENTICATIONFAILED] wrong");
                return false;
            }
            c.send(tag + " OK [CAPABILITY " + capabilities + "] logged in");
            return false;
        } else if (upper.startsWith("ENABLE ")) {
            StringBuilder enabled = new StringBuilder("* ENABLED");
            for (String ext : upper.substring(7).split(" ")) {
                if (has(ext) && (ext.equals("CONDSTORE") || ext.equals("QRESYNC"))) {
                    enabled.append(' ').append(ext);
                    c.condStore = true;
                    c.qresync |= ext.equals("QRESYNC");
                }
            }
            c.send(enabled.toString());
        } else if (upper.startsWith("SELECT ") || upper.startsWith("EXAMINE ")) {
            select(c, tag, upper);
            return false;
        } else if (upper.startsWith("UID FETCH ")) {
            fetch(c, upper.substring(10));
        } else if (upper.startsWith("UID SEARCH ")) {
            search(c, tag, rest.substring(11));
        } else if (upper.equals("LOGOUT")) {
            c.send("* BYE bye");
            c.send(tag + " OK bye");
            return true;
        } else if (!upper.equals("NOOP")) {
            c.send(tag + " BAD unknown command");
            return false;
        }
        c.send(tag + " OK done");
        return false;
    }

    private boolean has(String capability) {
        return (" " + capabilities.toUpperCase(Locale.ROOT) + " ").contains(" " + capability + " ");
    }

    private synchronized void select(Conn c, String tag, String upper) throws IOException {
        Matcher q = Pattern.compile(".*\\(QRESYNC \\(([0-9]+) ([0-9]+)(?: ([0-9:,]+))?\\)\\)$").matcher(upper);
        if (upper.endsWith("(CONDSTORE)")) {
            c.condStore = true;
        }
        if (q.matches() && (!c.qresync || refuseQresyncSelect)) {
            c.send(tag + " BAD QRESYNC not enabled");
            return;
        }
        c.send("* " + messages.size() + " EXISTS");
        c.send("* OK [UIDVALIDITY " + uidValidity + "] ok");
        c.send("* OK [UIDNEXT " + nextUid + "] ok");
        c.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        c.send("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] ok");
        if (has("CONDSTORE")) {
            c.send("* OK [HIGHESTMODSEQ " + highestModSeq + "] ok");
        }
        if (q.matches() && Long.parseLong(q.group(1)) == uidValidity) {
            long since = Long.parseLong(q.group(2));
            String known = q.group(3);
            List<Long> gone = new ArrayList<>();
            expunged.forEach((uid, mod) -> {
                if (mod > since && (known == null || inSet(uid, known, Long.MAX_VALUE))) {
                    gone.add(uid);
                }
            });
            if (!gone.isEmpty()) {
                c.send("* VANISHED (EARLIER) " + join(gone));
            }
            int seq = 0;
            for (var e : messages.entrySet()) {
                seq++;
                if (e.getValue()[1] > since) {
                    c.send("* " + seq + " FETCH (UID " + e.getKey() + " FLAGS (" + String.join(" ", flags.get(e.getKey()))
                            + ") MODSEQ (" + e.getValue()[1] + "))");
                }
            }
        }
        c.send(tag + " OK [READ-WRITE] selected");
    }

    private synchronized void fetch(Conn c, String args) throws IOException {
        // the fingerprint fetch of a bridge: a Message-ID made of the UID, a fixed INTERNALDATE
        String headerItem = " BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]";
        boolean header = args.contains(headerItem);
        args = args.replace(headerItem, "");
        Matcher m = Pattern.compile("([0-9:,*]+) \\(([A-Z0-9. ]+)\\)(?: \\(CHANGEDSINCE ([0-9]+)( VANISHED)?\\))?").matcher(args);
        if (!m.matches()) {
            throw new IOException("unexpected UID FETCH " + args);
        }
        String set = m.group(1);
        List<String> items = List.of(m.group(2).split(" "));
        long since = m.group(3) == null ? -1 : Long.parseLong(m.group(3));
        boolean modSeq = since >= 0 || c.condStore;
        long max = messages.isEmpty() ? 0 : messages.lastKey();
        if (m.group(4) != null) {
            List<Long> gone = new ArrayList<>();
            expunged.forEach((uid, mod) -> {
                if (mod > since && inSet(uid, set, max)) {
                    gone.add(uid);
                }
            });
            if (!gone.isEmpty()) {
                c.send("* VANISHED (EARLIER) " + join(gone));
            }
        }
        int seq = 0;
        for (var e : messages.entrySet()) {
            seq++;
            long uid = e.getKey();
            if (!inSet(uid, set, max) || e.getValue()[1] <= since) {
                continue;
            }
            StringBuilder b = new StringBuilder("* " + seq + " FETCH (UID " + uid);
            if (items.contains("RFC822.SIZE")) {
                b.append(" RFC822.SIZE ").append(e.getValue()[0]);
            }
            if (items.contains("FLAGS")) {
                b.append(" FLAGS (").append(String.join(" ", flags.get(uid))).append(')');
            }
            if (modSeq) {
                b.append(" MODSEQ (").append(e.getValue()[1]).append(')');
            }
            if (items.contains("INTERNALDATE")) {
                b.append(" INTERNALDATE \"01-Mar-2024 10:00:00 +0000\"");
            }
            if (header) {
                String field = "Message-ID: <" + uid + "@modseq.test>\r\n\r\n";
                b.append(" BODY[HEADER.FIELDS (MESSAGE-ID)] {").append(field.length()).append("}\r\n").append(field);
            }
            c.send(b.append(')').toString());
        }
    }

    private synchronized void search(Conn c, String tag, String keys) throws IOException {
        boolean esearch = false;
        if (keys.toUpperCase(Locale.ROOT).startsWith("RETURN (ALL) ")) {
            esearch = true;
            keys = keys.substring(13);
        }
        String[] k = keys.split(" ");
        long max = messages.isEmpty() ? 0 : messages.lastKey();
        List<Long> found = new ArrayList<>();
        for (long uid : messages.keySet()) {
            boolean match = true;
            for (int i = 0; i < k.length; i++) {
                String key = k[i].toUpperCase(Locale.ROOT);
                match &= switch (key) {
                    case "ALL" -> true;
                    case "DELETED" -> flags.get(uid).stream().anyMatch(f -> f.equalsIgnoreCase("\\Deleted"));
                    case "KEYWORD" -> {
                        String kw = k[++i];
                        yield flags.get(uid).stream().anyMatch(f -> f.equalsIgnoreCase(kw));
                    }
                    case "UID" -> inSet(uid, k[++i], max);
                    default -> throw new IOException("unsupported search " + keys);
                };
            }
            if (match) {
                found.add(uid);
            }
        }
        if (esearch) {
            c.send("* ESEARCH (TAG \"" + tag + "\") UID" + (found.isEmpty() ? "" : " ALL " + join(found)));
        } else {
            StringBuilder b = new StringBuilder("* SEARCH");
            found.forEach(u -> b.append(' ').append(u));
            c.send(b.toString());
        }
    }

    /** RFC 3501 sequence-set membership, "*" being the largest UID in use. */
    static boolean inSet(long uid, String set, long max) {
        for (String part : set.split(",")) {
            String[] r = part.split(":");
            long a = r[0].equals("*") ? max : Long.parseLong(r[0]);
            long b = r.length == 1 ? a : r[1].equals("*") ? max : Long.parseLong(r[1]);
            if (uid >= Math.min(a, b) && uid <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    private static String join(List<Long> uids) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < uids.size(); i++) {
            int j = i;
            while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) {
                j++;
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(uids.get(i));
            if (j > i) {
                b.append(':').append(uids.get(j));
            }
            i = j;
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
