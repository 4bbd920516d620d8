package io.popbridge.migrate;

import io.popbridge.bridge.MailboxKeys;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.server.Cli;
import io.popbridge.server.ConfigLoader;
import io.popbridge.server.ConfigException;
import io.popbridge.testing.RawImap;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code popbridge uidl import} through the real command line and reads mailboxes for the oracle. */
final class ImportRun {
    final int status;
    final String out;
    final String err;

    private ImportRun(int status, String out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }

    static ImportRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 2];
        full[0] = "uidl";
        full[1] = "import";
        System.arraycopy(args, 0, full, 2, args.length);
        int status = Cli.run(full, (config, demo) -> {
            throw new AssertionError("uidl import must not start the server");
        }, new PrintWriter(out), new PrintWriter(err));
        return new ImportRun(status, out.toString(), err.toString());
    }

    static Path passwordFile(Path dir, String name, String password) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The store key the bridge uses for {@code user} with this upstream URL (no config file). */
    static MailboxKey key(String upstreamUrl, String user) throws ConfigException {
        var config = ConfigLoader.load(null, new ConfigLoader.Overrides(null, upstreamUrl, false));
        return MailboxKeys.of(config.router().route(user), user, config.bridge().mailbox());
    }

    /** A message with CRLF lines; null Message-ID leaves the field out. */
    static byte[] message(String messageId, String date, String subject, String body) {
        StringBuilder sb = new StringBuilder();
        sb.append("From: sender@example.org\r\nTo: alice@example.org\r\n");
        if (messageId != null) {
            sb.append("Message-ID: ").append(messageId).append("\r\n");
        }
        sb.append("Date: ").append(date).append("\r\n");
        sb.append("Subject: ").append(subject).append("\r\n\r\n").append(body).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** UID to RFC822.SIZE, ascending. */
    static Map<Long, Long> sizes(RawImap imap) throws IOException {
        Map<Long, Long> sizes = new LinkedHashMap<>();
        Pattern uid = Pattern.compile("UID (\\d+)");
        Pattern size = Pattern.compile("RFC822\\.SIZE (\\d+)");
        for (String line : imap.ok("UID FETCH 1:* (UID RFC822.SIZE)")) {
            Matcher u = uid.matcher(line);
            Matcher s = size.matcher(line);
            if (u.find() && s.find()) {
                sizes.put(Long.parseLong(u.group(1)), Long.parseLong(s.group(1)));
            }
        }
        return sizes;
    }

    static long uidValidity(RawImap imap) throws IOException {
        for (String line : imap.ok("STATUS INBOX (UIDVALIDITY)")) {
            Matcher m = Pattern.compile("UIDVALIDITY (\\d+)").matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new IOException("no UIDVALIDITY");
    }

    /** Message number to UIDL, from a POP3 {@code UIDL} listing. */
    static Map<Integer, String> uidls(List<String> lines) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String l : lines) {
            String[] parts = l.split(" ", 2);
            out.put(Integer.parseInt(parts[0]), parts[1]);
        }
        return out;
    }
}
