package io.popbridge.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** Starts the private Dovecot and checks what later end-to-end tests rely on. */
class DovecotServerTest {

    private static final String HOST = "127.0.0.1";

    @Test
    void realDovecotServesImapImapsAndPop3OnLoopbackAndGoesAwayOnClose() throws Exception {
        DovecotServer server = DovecotServer.startOrSkip();
        Path dir = server.directory();
        int[] ports = {server.imapPort(), server.imapsPort(), server.pop3Port()};
        try {
            assertTrue(server.version().startsWith("2.3."), server.version());

            // alice: LOGIN (quoted) + SELECT via RawImap, APPEND and read back byte-exact.
            byte[] first = ("From: a@example.org\r\nTo: alice@example.org\r\nSubject: =?UTF-8?B?w7w=?=\r\n"
                    + "\r\nHello \u00fc\r\n.dot line\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            byte[] second = "Subject: two\r\n\r\nvia DovecotServer.append\r\n".getBytes(StandardCharsets.US_ASCII);
            long secondUid;
            try (RawImap alice = new RawImap(HOST, server.imapPort(), "alice", server.password("alice"))) {
                alice.append(first, "\\Flagged");
                secondUid = server.append("alice", second, "\\Seen");
                alice.ok("NOOP"); // a SEARCH does not show a message appended elsewhere before a sync announces it
                List<Long> uids = alice.uids();
                assertEquals(2, uids.size(), uids.toString());
                assertArrayEquals(first, alice.body(uids.get(0)));
                assertArrayEquals(second, alice.body(secondUid));
                assertEquals((long) uids.get(1), secondUid);
                assertTrue(alice.flags(uids.get(0)).contains("\\Flagged"), alice.flags(uids.get(0)));
                assertTrue(alice.flags(secondUid).contains("\\Seen"), alice.flags(secondUid));
            }
            assertTrue(Files.isDirectory(server.maildir("alice").resolve("cur")), "maildir under the temp dir");

            // bob: password with space, double quote and a non-ASCII letter; quoted (UTF-8 raw) and as literals.
            assertEquals("sp ace\"\u00fc", server.password("bob"));
            try (RawImap bob = new RawImap(HOST, server.imapPort(), "bob", server.password("bob"))) {
                assertEquals(List.of(), bob.uids());
            }
            try (Socket socket = new Socket(HOST, server.imapPort())) {
                socket.setSoTimeout(30_000);
                Lines io = new Lines(socket);
                assertTrue(io.line().startsWith("* OK"));
                byte[] pass = server.password("bob").getBytes(StandardCharsets.UTF_8);
                io.send("L1 LOGIN {3}\r\n");
                assertTrue(io.line().startsWith("+"));
                io.send("bob {" + pass.length + "}\r\n");
                assertTrue(io.line().startsWith("+"));
                io.send(pass);
                io.send("\r\n");
                assertTrue(io.untilTagged("L1").startsWith("L1 OK"));
                io.send("L2 LOGOUT\r\n");
                assertTrue(io.untilTagged("L2").startsWith("L2 OK"));
            }

            // IMAPS: TLS handshake trusting only the generated certificate (hostname checked against the IP SAN).
            SSLContext tls = trusting(server.certificatePem());
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(HOST, server.imapsPort())) {
                socket.setSoTimeout(30_000);
                SSLParameters params = socket.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(params);
                socket.startHandshake();
                Lines io = new Lines(socket);
                assertTrue(io.line().startsWith("* OK"));
                io.send("S1 LOGIN alice alice-secret\r\n");
                assertTrue(io.untilTagged("S1").startsWith("S1 OK"));
                io.send("S2 LOGOUT\r\n");
                io.untilTagged("S2");
            }

            // STARTTLS on the plain IMAP port.
            try (Socket plain = new Socket(HOST, server.imapPort())) {
                plain.setSoTimeout(30_000);
                Lines io = new Lines(plain);
                String greeting = io.line();
                assertTrue(greeting.contains("STARTTLS"), greeting);
                io.send("T1 STARTTLS\r\n");
                assertTrue(io.untilTagged("T1").startsWith("T1 OK"));
                try (SSLSocket socket = (SSLSocket) server.clientSslContext().getSocketFactory()
                        .createSocket(plain, HOST, server.imapPort(), true)) {
                    socket.startHandshake();
                    Lines tlsIo = new Lines(socket);
                    tlsIo.send("T2 NOOP\r\n");
                    assertTrue(tlsIo.untilTagged("T2").startsWith("T2 OK"));
                }
            }

            // Dovecot's own POP3 over the same maildir.
            try (Socket socket = new Socket(HOST, server.pop3Port())) {
                socket.setSoTimeout(30_000);
                Lines io = new Lines(socket);
                assertTrue(io.line().startsWith("+OK"));
                io.send("USER alice\r\n");
                assertTrue(io.line().startsWith("+OK"));
                io.send("PASS alice-secret\r\n");
                assertTrue(io.line().startsWith("+OK"));
                io.send("STAT\r\n");
                String stat = io.line();
                assertTrue(stat.startsWith("+OK 2 "), stat);
                io.send("QUIT\r\n");
                assertTrue(io.line().startsWith("+OK"));
            }
            try (Socket socket = new Socket(HOST, server.pop3Port())) {
                socket.setSoTimeout(30_000);
                Lines io = new Lines(socket);
                assertTrue(io.line().startsWith("+OK"));
                io.send("USER bob\r\n");
                assertTrue(io.line().startsWith("+OK"));
                io.send("PASS ".getBytes(StandardCharsets.US_ASCII));
                io.send(server.password("bob").getBytes(StandardCharsets.UTF_8));
                io.send("\r\n");
                String pass = io.line();
                assertTrue(pass.startsWith("+OK"), pass);
                io.send("QUIT\r\n");
                io.line();
            }

            // A wrong password is refused (last: Dovecot delays later logins from the same IP after a failure).
            assertThrows(IOException.class, () -> new RawImap(HOST, server.imapPort(), "alice", "wrong").close());

            // Every listening socket of the instance is on 127.0.0.1.
            List<String> listeners = listeningAddresses(server.processes());
            if (listeners != null) {
                assertFalse(listeners.isEmpty());
                for (String address : listeners) {
                    assertTrue(address.startsWith("127.0.0.1:"), "listener on " + address + " in " + listeners);
                }
                for (int port : ports) {
                    assertTrue(listeners.contains("127.0.0.1:" + port), port + " not in " + listeners);
                }
            }

            // Nothing above made Dovecot log an error (a failed login is logged as Info).
            String log = Files.readString(server.logFile(), StandardCharsets.UTF_8);
            for (String level : List.of(" Error: ", " Fatal: ", " Panic: ")) {
                assertFalse(log.contains(level), "Dovecot logged" + level + "\n" + server.logTail());
            }
            assertTrue(log.contains("Login: user=<bob>"), server.logTail());
        } finally {
            server.close();
        }

        assertEquals(List.of(), server.processes(), "Dovecot processes left");
        assertFalse(server.master().isAlive());
        assertFalse(Files.exists(dir), "temp dir deleted");
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
                assertEquals(port, s.getLocalPort());
            }
        }
        server.close(); // idempotent
    }

    @Test
    void availableMatchesTheBinary() {
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/dovecot"));
        if (installed) {
            assertTrue(DovecotServer.available());
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("c" + i++, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * "addr:port" of every TCP LISTEN socket held by these processes, from /proc (Linux); null where
     * /proc/net/tcp is not available.
     */
    private static List<String> listeningAddresses(List<ProcessHandle> processes) throws IOException {
        Path tcp = Path.of("/proc/net/tcp");
        if (!Files.isReadable(tcp)) {
            return null;
        }
        Set<String> inodes = new HashSet<>();
        for (ProcessHandle p : processes) {
            Path fds = Path.of("/proc", Long.toString(p.pid()), "fd");
            try (var list = Files.list(fds)) {
                for (Path fd : list.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException ignored) {
                        // fd closed meanwhile
                    }
                }
            } catch (IOException ignored) {
                // process gone meanwhile
            }
        }
        List<String> found = new ArrayList<>();
        for (Path table : List.of(tcp, Path.of("/proc/net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            // read once: the table changes between two reads while other tests open sockets
            List<String> rows = Files.readAllLines(table);
            for (String line : rows.subList(1, rows.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    found.add(address(f[1]));
                }
            }
        }
        return found;
    }

    private static String address(String hex) {
        String[] parts = hex.split(":");
        int port = Integer.parseInt(parts[1], 16);
        if (parts[0].length() == 8) {
            long a = Long.parseLong(parts[0], 16); // little-endian IPv4
            return (a & 0xff) + "." + ((a >> 8) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 24) & 0xff) + ":" + port;
        }
        return "[" + parts[0] + "]:" + port; // IPv6: never expected, reported raw
    }

    /** Line reading/writing on a socket, octets as sent. */
    private static final class Lines {
        private final InputStream in;
        private final OutputStream out;

        Lines(Socket socket) throws IOException {
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String s) throws IOException {
            send(s.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(b);
            }
            throw new IOException("connection closed");
        }

        String untilTagged(String tag) throws IOException {
            for (;;) {
                String line = line();
                if (line.startsWith(tag + " ")) {
                    return line;
                }
            }
        }
    }
}
