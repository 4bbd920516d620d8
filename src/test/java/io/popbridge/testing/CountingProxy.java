package io.popbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A plain TCP proxy on 127.0.0.1 in front of an IMAP server that records the command lines the
 * client sends (tag removed; a line holding a literal is recorded up to its marker) and counts the
 * octets in each direction, so that a test can assert what a login cost upstream.
 */
public final class CountingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final java.util.Set<Socket> frozen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    public CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::acceptLoop, "counting-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Command lines sent by clients since the last {@link #reset}, tags removed. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Octets clients sent upstream. */
    public long bytesUp() {
        return up.get();
    }

    /** Octets the server sent to clients. */
    public long bytesDown() {
        return down.get();
    }

    /** Connections accepted so far (not cleared by {@link #reset}). */
    public int connections() {
        return connections.get();
    }

    /** Closes every connection open now, both sides, as an upstream dropping its clients would. */
    public void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /**
     * From now on, what clients send on the connections open now is swallowed, and nothing is
     * closed: a connection that died without the client noticing. New connections work.
     */
    public void freezeConnections() {
        frozen.addAll(sockets);
    }

    public void reset() {
        commands.clear();
        up.set(0);
        down.set(0);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Socket server = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), server, true);
                pump(server.getInputStream(), client.getOutputStream(), client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Socket other, boolean upstream) {
        Thread t = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    (upstream ? up : down).addAndGet(n);
                    if (upstream) {
                        for (int i = 0; i < n; i++) {
                            if (buf[i] == '\n') {
                                record(line.toString(StandardCharsets.UTF_8).strip());
                                line.reset();
                            } else {
                                line.write(buf[i]);
                            }
                        }
                    }
                    if (upstream && frozen.contains(other)) {
                        continue; // a silently dead path: what the client sends never arrives
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    other.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void record(String line) {
        int sp = line.indexOf(' ');
        commands.add(sp < 0 ? line : line.substring(sp + 1));
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
