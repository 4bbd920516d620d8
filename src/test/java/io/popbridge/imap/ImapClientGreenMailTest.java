package io.popbridge.imap;

import static io.popbridge.imap.TestSupport.await;
import static io.popbridge.imap.TestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImapClientGreenMailTest {

    private static final String MESSAGE = "From: a@example.org\r\nTo: user@example.org\r\nSubject: hello\r\n"
            + "Message-ID: <1@example.org>\r\n\r\nline one\r\n.dot line\r\n)} {5}\r\nlast\r\n";

    private GreenMail greenMail;
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    private ImapClient client;
    private GreenMailUser user;

    @BeforeEach
    void start() throws Exception {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        greenMail.start();
        user = greenMail.setUser("user@example.org", "user", "pa ss\"w\\rd");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        loop = group.next();
        ImapClientOptions options = new ImapClientOptions(Duration.ofSeconds(5), Duration.ofSeconds(10),
                8192, 1L << 24, null);
        UpstreamEndpoint endpoint = new UpstreamEndpoint("127.0.0.1", greenMail.getImap().getPort(),
                UpstreamEndpoint.Security.PLAIN);
        client = await(loop, () -> ImapClient.connect(loop, endpoint, options));
    }

    @AfterEach
    void stop() throws Exception {
        loop.submit(client::close).get();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        greenMail.stop();
    }

    private void login() throws Exception {
        await(loop, () -> client.login(bytes("user"), bytes("pa ss\"w\\rd")));
    }

    @Test
    void connectLearnsCapabilities() {
        assertTrue(client.hasCapability("IMAP4rev1"), client.capabilities().toString());
    }

    @Test
    void nonAsciiPasswordIsSentAsALiteral() throws Exception {
        greenMail.setUser("jürgen@example.org", "jürgen", "pä{5}\"ss");
        await(loop, () -> client.login(bytes("jürgen"), bytes("pä{5}\"ss")));
        assertTrue(await(loop, () -> client.select("INBOX", false)).uidValidity() > 0);
    }

    @Test
    void wrongPasswordIsRejected() throws Exception {
        Throwable t = failure(loop, () -> client.login(bytes("user"), bytes("wrong")));
        ImapException.Rejected rejected = assertInstanceOf(ImapException.Rejected.class, t);
        assertEquals("NO", rejected.status());
    }

    @Test
    void credentialsWithLineBreaksAreRejectedBeforeSending() throws Exception {
        Throwable t = failure(loop, () -> client.login(bytes("user"), bytes("x\r\nA9 LOGOUT")));
        assertInstanceOf(IllegalArgumentException.class, t);
        login(); // the connection is still usable
    }

    @Test
    void selectListFetchStoreAndLogout() throws Exception {
        user.deliver(GreenMailUtil.newMimeMessage(MESSAGE));
        user.deliver(GreenMailUtil.newMimeMessage(MESSAGE.replace("hello", "second")));
        login();
        SelectedMailbox inbox = await(loop, () -> client.select("INBOX", false));
        assertEquals(2, inbox.exists());
        assertTrue(inbox.uidValidity() > 0);

        List<FetchedMessage> list = await(loop, () -> client.uidFetch("1:*", List.of("UID", "RFC822.SIZE", "FLAGS")));
        assertEquals(2, list.size());
        FetchedMessage first = list.get(0);
        assertTrue(first.uid() > 0);

        TestSupport.Recorder recorder = new TestSupport.Recorder();
        int bodies = await(loop, () -> client.uidFetchBody(first.uid(), "BODY.PEEK[]", recorder));
        assertEquals(1, bodies);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        greenMail.getReceivedMessages()[0].writeTo(expected);
        assertArrayEquals(expected.toByteArray(), recorder.body.toByteArray());
        // GreenMail's RFC822.SIZE counts less than the message it serves, so compare with the literal
        assertEquals(List.of("start " + expected.size(), "chunk", "end"), recorder.events());
        assertTrue(first.rfc822Size() > 0);

        TestSupport.Recorder none = new TestSupport.Recorder();
        assertEquals(0, await(loop, () -> client.uidFetchBody(first.uid() + 1000, "BODY.PEEK[]", none)));
        assertEquals(List.of(), none.events());

        await(loop, () -> client.uidStore(Long.toString(first.uid()), "+FLAGS", List.of("$POP3Deleted")));
        List<FetchedMessage> after = await(loop, () -> client.uidFetch(Long.toString(first.uid()), List.of("FLAGS")));
        assertTrue(after.get(0).flags().contains("$POP3Deleted"), after.toString());

        if (client.hasCapability("UIDPLUS")) {
            await(loop, () -> client.uidStore(Long.toString(first.uid()), "+FLAGS.SILENT", List.of("\\Deleted")));
            await(loop, () -> client.uidExpunge(Long.toString(first.uid())));
            assertEquals(1, await(loop, () -> client.uidFetch("1:*", List.of("UID"))).size());
        } else {
            Throwable t = failure(loop, () -> client.uidExpunge("1"));
            assertInstanceOf(UnsupportedOperationException.class, t);
        }
        await(loop, () -> client.noop());
        await(loop, () -> client.logout());
        await(loop, () -> client.closeFuture());
    }

    @Test
    void copyAndMoveToAnotherFolder() throws Exception {
        greenMail.getManagers().getImapHostManager().createMailbox(user, "Papierkorb ü");
        user.deliver(GreenMailUtil.newMimeMessage(MESSAGE));
        user.deliver(GreenMailUtil.newMimeMessage(MESSAGE));
        login();
        await(loop, () -> client.select("INBOX", false));
        List<FetchedMessage> list = await(loop, () -> client.uidFetch("1:*", List.of("UID")));
        String firstUid = Long.toString(list.get(0).uid());
        await(loop, () -> client.uidCopy(firstUid, "Papierkorb ü"));
        if (client.hasCapability("MOVE")) {
            await(loop, () -> client.uidMove(Long.toString(list.get(1).uid()), "Papierkorb ü"));
            assertEquals(1, await(loop, () -> client.uidFetch("1:*", List.of("UID"))).size());
        }
        SelectedMailbox trash = await(loop, () -> client.select("Papierkorb ü", true));
        assertEquals(client.hasCapability("MOVE") ? 2 : 1, trash.exists());
        assertTrue(trash.readOnly());
    }

    @Test
    void pipelinedCommandsCompleteInOrder() throws Exception {
        user.deliver(GreenMailUtil.newMimeMessage(MESSAGE));
        login();
        var results = loop.submit(() -> List.of(client.select("INBOX", true), client.uidFetch("1:*", List.of("UID")),
                client.noop())).get();
        for (var f : results) {
            f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals(1, ((List<?>) results.get(1).getNow()).size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
