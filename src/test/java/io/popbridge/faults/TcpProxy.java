package io.popbridge.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between the bridge and its upstream, with one thread per direction: it
 * counts the connections that are still open and can kill one (a reset on both sides), as a
 * failing network or a restarting server would.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Pair> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger killed = new AtomicInteger();
    private final Thread acceptor;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket(0, 500, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::acceptLoop, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Proxied connections not closed yet (by either end or a kill). */
    int open() {
        return live.size();
    }

    int accepted() {
        return accepted.get();
    }

    int killed() {
        return killed.get();
    }

    /** Resets one random live connection on both sides; false if none was open. */
    boolean killOne(Random random) {
        List<Pair> pairs = new ArrayList<>(live);
        if (pairs.isEmpty()) {
            return false;
        }
        pairs.get(random.nextInt(pairs.size())).close(true);
        killed.incrementAndGet();
        return true;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                Pair pair = new Pair(client, upstream);
                live.add(pair);
                pair.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Pair {
        final Socket client;
        final Socket upstream;
        final AtomicBoolean closed = new AtomicBoolean();

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "proxy-up");
            pump(upstream, client, "proxy-down");
        }

        private void pump(Socket from, Socket to, String name) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    for (int n; (n = in.read(buffer)) >= 0;) {
                        out.write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // closed or reset
                }
                close(false);
            }, name);
            t.setDaemon(true);
            t.start();
        }

        void close(boolean reset) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            for (Socket s : List.of(client, upstream)) {
                try {
                    if (reset) {
                        s.setSoLinger(true, 0);
                    }
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            live.remove(this);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Pair p : new ArrayList<>(live)) {
            p.close(true);
        }
    }
}
