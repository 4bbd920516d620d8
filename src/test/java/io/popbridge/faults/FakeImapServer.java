package io.popbridge.faults;

import io.popbridge.imap.UpstreamEndpoint;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A small scripted IMAP server on 127.0.0.1 (plain sockets, one thread per connection) with just
 * enough IMAP for the bridge: LOGIN, CAPABILITY, SELECT, UID FETCH (listing and BODY.PEEK[]), UID
 * STORE, NOOP, LOGOUT. A {@link Fault} hook sees every command first and may answer it itself:
 * close mid-literal, send {@code * BYE}, stay silent, send garbage.
 *
 * <p>The mailbox state lives in a {@link Store} that outlives the server, so a test can stop the
 * server and start a new one on the same port ("upstream restarts").
 */
final class FakeImapServer implements AutoCloseable {

    static final String USER = "alice";
    static final String PASSWORD = "secret";

    /** Messages of the one mailbox; thread-safe. */
    static final class Store {
        final long uidValidity;
        private final List<Message> messages = new ArrayList<>();
        private long nextUid = 1;

        Store(long uidValidity) {
            this.uidValidity = uidValidity;
        }

        synchronized long add(byte[] body) {
            messages.add(new Message(nextUid, body));
            return nextUid++;
        }

        synchronized List<Message> live() {
            return new ArrayList<>(messages);
        }

        synchronized Set<String> flags(long uid) {
            for (Message m : messages) {
                if (m.uid == uid) {
                    return new LinkedHashSet<>(m.flags);
                }
            }
            return null;
        }

        synchronized void store(long uid, List<String> flags, boolean add) {
            for (Message m : messages) {
                if (m.uid == uid) {
                    if (add) {
                        m.flags.addAll(flags);
                    } else {
                        m.flags.removeAll(flags);
                    }
                }
            }
        }

        /** Whether no message carries a flag: the test's "nothing was deleted". */
        synchronized boolean noFlags() {
            return messages.stream().allMatch(m -> m.flags.isEmpty());
        }
    }

    static final class Message {
        final long uid;
        final byte[] body;
        final Set<String> flags = new LinkedHashSet<>();

        Message(long uid, byte[] body) {
            this.uid = uid;
            this.body = body;
        }
    }

    /** Sees each command before the server; returns true if it handled (or swallowed) it. */
    @FunctionalInterface
    interface Fault {
        boolean handle(Conn conn, String tag, String command) throws IOException;
    }

    static final Fault NONE = (c, t, l) -> false;

    /** One accepted connection as a fault sees it. */
    final class Conn {
        final Socket socket;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Closes the TCP connection (with a reset when {@code abort}). */
        void close(boolean abort) throws IOException {
            if (abort) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
    }

    private final Store store;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private volatile Fault fault = NONE;

    FakeImapServer(Store store) throws IOException {
        this(store, 0);
    }

    FakeImapServer(Store store, int port) throws IOException {
        this.store = store;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
        acceptor = new Thread(this::acceptLoop, "fake-imap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    UpstreamEndpoint endpoint() {
        return new UpstreamEndpoint("127.0.0.1", port(), UpstreamEndpoint.Security.PLAIN);
    }

    void fault(Fault f) {
        this.fault = f;
    }

    int accepted() {
        return accepted.get();
    }

    /** Connections whose socket is still open on the server side (the peer has not closed it). */
    int open() {
        return open.get();
    }

    int logouts() {
        return logouts.get();
    }

    /** The most recently accepted connection, for faults pushed from the test thread. */
    Conn lastConnection() {
        return conns.get(conns.size() - 1);
    }

    /** Every command line received, in order, without tags. */
    List<String> commands() {
        return commands;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.incrementAndGet();
            sockets.add(socket);
            Thread t = new Thread(() -> serve(socket), "fake-imap-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Conn conn = new Conn(socket);
            conns.add(conn);
            conn.send("* OK [CAPABILITY IMAP4rev1 UIDPLUS] fake ready\r\n");
            boolean selected = false;
            for (String line; (line = readLine(in)) != null;) {
                int sp = line.indexOf(' ');
                if (sp < 0) {
                    conn.send("* BAD no tag\r\n");
                    continue;
                }
                String tag = line.substring(0, sp);
                String command = line.substring(sp + 1);
                commands.add(command);
                if (fault.handle(conn, tag, command)) {
                    if (socket.isClosed()) {
                        return;
                    }
                    continue;
                }
                String upper = command.toUpperCase(Locale.ROOT);
                if (upper.startsWith("LOGIN ")) {
                    boolean ok = command.contains(USER) && command.contains(PASSWORD);
                    conn.send(ok ? tag + " OK [CAPABILITY IMAP4rev1 UIDPLUS] logged in\r\n"
                            : tag + " NO [AUTHENTICATIONFAILED] no\r\n");
                } else if (upper.startsWith("CAPABILITY")) {
                    conn.send("* CAPABILITY IMAP4rev1 UIDPLUS\r\n" + tag + " OK done\r\n");
                } else if (upper.startsWith("SELECT ") || upper.startsWith("EXAMINE ")) {
                    selected = true;
                    List<Message> live = store.live();
                    long next = live.isEmpty() ? 1 : live.get(live.size() - 1).uid + 1;
                    conn.send("* FLAGS (\\Seen \\Deleted)\r\n"
                            + "* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] ok\r\n"
                            + "* " + live.size() + " EXISTS\r\n"
                            + "* OK [UIDVALIDITY " + store.uidValidity + "] ok\r\n"
                            + "* OK [UIDNEXT " + next + "] ok\r\n"
                            + tag + " OK [READ-WRITE] selected\r\n");
                } else if (selected && upper.startsWith("UID FETCH ")) {
                    fetch(conn, tag, command);
                } else if (selected && upper.startsWith("UID STORE ")) {
                    store(conn, tag, command);
                } else if (upper.startsWith("NOOP")) {
                    conn.send(tag + " OK noop\r\n");
                } else if (upper.startsWith("LOGOUT")) {
                    logouts.incrementAndGet();
                    conn.send("* BYE bye\r\n" + tag + " OK logged out\r\n");
                    return;
                } else {
                    conn.send(tag + " BAD unknown command\r\n");
                }
            }
        } catch (IOException e) {
            // the peer went away, or a fault closed the socket
        } finally {
            open.decrementAndGet();
            sockets.remove(socket);
        }
    }

    private void fetch(Conn conn, String tag, String command) throws IOException {
        String[] parts = command.split(" ", 4);
        String set = parts[2];
        List<Message> live = store.live();
        StringBuilder text = new StringBuilder();
        boolean body = command.toUpperCase(Locale.ROOT).contains("BODY.PEEK[]");
        for (int i = 0; i < live.size(); i++) {
            Message m = live.get(i);
            if (!inSet(set, m.uid, live)) {
                continue;
            }
            if (body) {
                conn.send("* " + (i + 1) + " FETCH (UID " + m.uid + " BODY[] {" + m.body.length + "}\r\n");
                conn.send(m.body);
                conn.send(")\r\n");
            } else {
                text.append("* ").append(i + 1).append(" FETCH (UID ").append(m.uid).append(" RFC822.SIZE ")
                        .append(m.body.length).append(" FLAGS (").append(String.join(" ", store.flags(m.uid)))
                        .append("))\r\n");
            }
        }
        conn.send(text + tag + " OK fetched\r\n");
    }

    private void store(Conn conn, String tag, String command) throws IOException {
        // UID STORE <set> +FLAGS.SILENT (<flags>)
        String[] parts = command.split(" ", 5);
        String set = parts[2];
        boolean add = parts[3].startsWith("+");
        String flagList = parts[4].replace("(", "").replace(")", "").trim();
        List<String> flags = List.of(flagList.split(" "));
        for (Message m : store.live()) {
            if (inSet(set, m.uid, store.live())) {
                store.store(m.uid, flags, add);
            }
        }
        conn.send(tag + " OK stored\r\n");
    }

    private static boolean inSet(String set, long uid, List<Message> live) {
        long max = live.isEmpty() ? 0 : live.get(live.size() - 1).uid;
        for (String range : set.split(",")) {
            String[] ends = range.split(":");
            long a = ends[0].equals("*") ? max : Long.parseLong(ends[0]);
            long b = ends.length == 1 ? a : ends[1].equals("*") ? max : Long.parseLong(ends[1]);
            if (uid >= Math.min(a, b) && uid <= Math.max(a, b)) {
                return true;
            }
        }
        return false;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                return null;
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Polls until the condition holds; false after 20 s (a test failure, never a measurement). */
    static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
