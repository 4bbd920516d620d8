package io.popbridge.demo;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.popbridge.imap.UpstreamEndpoint;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Properties;

/**
 * An in-process IMAP server (GreenMail) on 127.0.0.1 with a user {@code demo} / {@code demo} and a
 * few sample messages in INBOX, for trying popbridge without a mail server ({@code --demo}).
 *
 * <p>Only start-up code uses this class; nothing in pop3, imap or bridge knows about it. Messages
 * live in memory and are gone when it stops.
 */
public final class DemoUpstream implements AutoCloseable {

    public static final String USER = "demo";
    public static final String PASSWORD = "demo";
    public static final String ADDRESS = "demo@popbridge.test";
    static final String HOST = "127.0.0.1";

    private final GreenMail greenMail;
    private final UpstreamEndpoint endpoint;

    private DemoUpstream(GreenMail greenMail) {
        this.greenMail = greenMail;
        this.endpoint = new UpstreamEndpoint(HOST, greenMail.getImap().getPort(), UpstreamEndpoint.Security.PLAIN);
    }

    /**
     * Starts the server on a free port of 127.0.0.1 and fills the demo mailbox.
     *
     * @throws IllegalStateException if the sample messages cannot be built (the server is stopped)
     */
    public static DemoUpstream start() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, HOST, ServerSetup.PROTOCOL_IMAP).dynamicPort());
        greenMail.start();
        try {
            GreenMailUser user = greenMail.setUser(ADDRESS, USER, PASSWORD);
            for (MimeMessage message : sampleMessages()) {
                user.deliver(message);
            }
            return new DemoUpstream(greenMail);
        } catch (MessagingException | RuntimeException e) {
            greenMail.stop();
            throw new IllegalStateException("cannot fill the demo mailbox", e);
        }
    }

    /** Where the demo IMAP server listens: plain IMAP on loopback. */
    public UpstreamEndpoint endpoint() {
        return endpoint;
    }

    /** Stops the server; idempotent. */
    public void stop() {
        if (greenMail.isRunning()) {
            greenMail.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    static MimeMessage[] sampleMessages() throws MessagingException {
        Session session = Session.getInstance(new Properties());
        ZonedDateTime base = ZonedDateTime.of(2024, 3, 4, 9, 15, 0, 0, ZoneOffset.UTC);

        MimeMessage welcome = message(session, "Alice Example <alice@example.org>", "Welcome to popbridge", base, 1);
        welcome.setText("Hello,\r\n\r\n"
                + "this message lives in an IMAP mailbox and reached your POP3 client through popbridge.\r\n"
                + "Deleting it in POP3 hides it from POP3 only: your IMAP devices still see it.\r\n\r\n"
                + "Alice\r\n", "us-ascii");

        MimeMessage dots = message(session, "Bob Example <bob@example.org>", "Lines starting with a dot", base, 2);
        dots.setText("The next lines start with a dot and must survive POP3 dot-stuffing:\r\n"
                + ".\r\n"
                + ".hidden-file\r\n"
                + "..two dots\r\n"
                + "End of message.\r\n", "us-ascii");

        MimeMessage report = message(session, "Carol Example <carol@example.org>", "Quarterly numbers", base, 3);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hi,\r\n\r\nthe numbers are attached.\r\n\r\nCarol\r\n", "us-ascii");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setContent("quarter,revenue\r\nQ1,1200\r\nQ2,1350\r\n".getBytes(StandardCharsets.US_ASCII), "text/csv");
        attachment.setFileName("numbers.csv");
        attachment.setDisposition(MimeBodyPart.ATTACHMENT);
        report.setContent(new MimeMultipart("mixed", text, attachment));

        MimeMessage utf8 = message(session, "Zoë Müller <zoe@example.org>", "Grüße aus Köln – café ☕", base, 4);
        utf8.setText("Hallo!\r\n\r\nDiese Nachricht hat einen Betreff in UTF-8: Grüße, café, ☕.\r\n", "utf-8");

        MimeMessage[] messages = {welcome, dots, report, utf8};
        for (MimeMessage m : messages) {
            m.saveChanges();
        }
        return messages;
    }

    private static MimeMessage message(Session session, String from, String subject, ZonedDateTime base, int n)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        InternetAddress sender = new InternetAddress(from, true);
        try {
            message.setFrom(new InternetAddress(sender.getAddress(), sender.getPersonal(), "utf-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("Demo User <" + ADDRESS + ">"));
        message.setSubject(subject, "utf-8");
        message.setSentDate(Date.from(base.plusHours(n).toInstant()));
        return message;
    }
}
