package io.popbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.UpstreamEndpoint;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoUpstreamTest {

    private DemoUpstream demo;

    @BeforeEach
    void start() {
        demo = DemoUpstream.start();
    }

    @AfterEach
    void stop() {
        demo.stop();
    }

    @Test
    void listensOnLoopbackWithPlainImap() {
        UpstreamEndpoint endpoint = demo.endpoint();
        assertEquals("127.0.0.1", endpoint.host());
        assertEquals(UpstreamEndpoint.Security.PLAIN, endpoint.security());
        assertTrue(endpoint.port() > 0);
    }

    @Test
    void demoUserLogsInAndSeesFourMessages() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", demo.endpoint().port())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            assertTrue(in.readLine().startsWith("* OK"));
            assertTrue(command(in, out, "a1 LOGIN demo demo").startsWith("a1 OK"));
            List<String> untagged = new ArrayList<>();
            String done = command(in, out, "a2 SELECT INBOX", untagged);
            assertTrue(done.startsWith("a2 OK"), done);
            assertTrue(untagged.contains("* 4 EXISTS"), untagged.toString());
            assertTrue(command(in, out, "a3 LOGOUT").startsWith("a3 OK"));
        }
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", demo.endpoint().port())) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            assertTrue(command(in, socket.getOutputStream(), "a1 LOGIN demo wrong").startsWith("a1 NO"));
        }
    }

    @Test
    void mailboxHoldsTheSampleMessages() throws Exception {
        Properties props = new Properties();
        props.setProperty("mail.imap.connectiontimeout", "10000");
        props.setProperty("mail.imap.timeout", "10000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", demo.endpoint().port(), "demo", "demo");
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] messages = inbox.getMessages();
            assertEquals(4, messages.length);
            assertEquals("Welcome to popbridge", messages[0].getSubject());
            assertTrue(((String) messages[1].getContent()).contains("\r\n.hidden-file\r\n"));
            Multipart multipart = (Multipart) messages[2].getContent();
            assertEquals(2, multipart.getCount());
            assertEquals("numbers.csv", multipart.getBodyPart(1).getFileName());
            assertEquals("Grüße aus Köln – café ☕", messages[3].getSubject());
            assertTrue(messages[3].getHeader("Subject")[0].startsWith("=?utf-8?"), "encoded on the wire");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void stopClosesThePort() {
        int port = demo.endpoint().port();
        demo.stop();
        demo.stop();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    private static String command(BufferedReader in, OutputStream out, String line) throws Exception {
        return command(in, out, line, new ArrayList<>());
    }

    private static String command(BufferedReader in, OutputStream out, String line, List<String> untagged)
            throws Exception {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String tag = line.substring(0, line.indexOf(' ') + 1);
        for (;;) {
            String response = in.readLine();
            if (response == null) {
                throw new AssertionError("connection closed after " + line);
            }
            if (response.startsWith(tag)) {
                return response;
            }
            untagged.add(response);
        }
    }
}
