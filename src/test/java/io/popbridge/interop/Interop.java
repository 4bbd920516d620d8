package io.popbridge.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.popbridge.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Shared helpers of the interop tests: the corpus, running client processes, reading what they stored. */
final class Interop {

    /** Upper bound for one client run; a client that hangs is killed and the test fails. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    private Interop() {
    }

    /** The framing corpus, a message with bare LFs and a ~1.5 MB message with a base64 attachment. */
    static List<byte[]> corpus() {
        List<byte[]> messages = new ArrayList<>(Corpus.framingCorpus());
        messages.add(Corpus.message("bare LF", "first line\nsecond line\n.\n..dots\nlast\r\n"));
        messages.add(attachmentMessage(1_100_000));
        return messages;
    }

    static byte[] attachmentMessage(int attachmentOctets) {
        byte[] data = new byte[attachmentOctets];
        new Random(42).nextBytes(data);
        String base64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(data);
        String body = "This is a multi-part message in MIME format.\r\n"
                + "--b0undary\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "\r\n"
                + "See the attachment.\r\n"
                + ".\r\n"
                + "--b0undary\r\n"
                + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "\r\n"
                + base64 + "\r\n"
                + "--b0undary--\r\n";
        String text = "From: Bob <bob@example.com>\r\n"
                + "To: Alice <alice@example.com>\r\n"
                + "Subject: attachment\r\n"
                + "Message-ID: <attachment." + attachmentOctets + "@example.com>\r\n"
                + "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b0undary\"\r\n"
                + "\r\n"
                + body;
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    // ---------------------------------------------------------------------------------------------
    // Line endings: what a POP3 client receives (CRLF lines) and what Unix clients store (LF lines)

    /** The message as RETR sends it (before dot-stuffing): bare LFs become CRLF, a final CRLF added. */
    static byte[] crlf(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 1024);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(raw[i]);
        }
        if (raw.length > 0 && raw[raw.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The message as RETR sends it, with every CRLF turned into LF (Unix storage). */
    static byte[] lf(byte[] raw) {
        byte[] crlf = crlf(raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream(crlf.length);
        for (int i = 0; i < crlf.length; i++) {
            if (!(crlf[i] == '\r' && i + 1 < crlf.length && crlf[i + 1] == '\n')) {
                out.write(crlf[i]);
            }
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A readable first difference, for assertion messages (the arrays can be megabytes). */
    static String firstDifference(byte[] expected, byte[] actual) {
        int n = Math.min(expected.length, actual.length);
        int i = 0;
        while (i < n && expected[i] == actual[i]) {
            i++;
        }
        if (i == n && expected.length == actual.length) {
            return "equal";
        }
        return "lengths " + expected.length + " vs " + actual.length + ", first difference at " + i
                + ": expected «" + excerpt(expected, i) + "» got «" + excerpt(actual, i) + "»";
    }

    private static String excerpt(byte[] b, int at) {
        int from = Math.max(0, at - 40);
        int to = Math.min(b.length, at + 40);
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }

    /**
     * Asserts that the client stored exactly the expected messages (compared after the client's
     * normalisation, which the caller applied to {@code expected}), matched by Message-ID since
     * clients do not keep the order in file names.
     */
    static void assertSameMessages(String what, List<byte[]> expected, List<byte[]> actual) {
        java.util.Map<String, byte[]> got = new java.util.LinkedHashMap<>();
        for (byte[] m : actual) {
            byte[] previous = got.put(messageId(m), m);
            org.junit.jupiter.api.Assertions.assertNull(previous, what + ": stored twice: " + messageId(m));
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected.size(), actual.size(),
                what + ": number of messages stored, got " + got.keySet());
        for (byte[] want : expected) {
            String id = messageId(want);
            byte[] have = got.get(id);
            org.junit.jupiter.api.Assertions.assertNotNull(have, what + ": not stored: " + id + ", got " + got.keySet());
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, have,
                    what + ": " + id + " differs: " + firstDifference(want, have));
        }
    }

    static String messageId(byte[] message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^Message-ID: (<[^>\\r\\n]*>)")
                .matcher(new String(message, StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : "(no Message-ID, " + message.length + " octets)";
    }

    // ---------------------------------------------------------------------------------------------
    // Clients as processes

    /** The client's executable, or the test is skipped with the reason. */
    static Path client(String name, String packageName) {
        Optional<Path> found = find(name);
        assumeTrue(found.isPresent(), name + " is not installed (.ci/install-clients.sh: apt-get install "
                + packageName + "); skipping");
        return found.get();
    }

    static Optional<Path> find(String name) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("/usr/bin", name)); // first: a pyenv/asdf shim is not the distribution's client
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, name));
                }
            }
        }
        return candidates.stream().filter(Files::isRegularFile).filter(Files::isExecutable).findFirst();
    }

    record Result(int exitCode, String output) {
    }

    /**
     * Runs a client to completion with stdin from /dev/null and stdout+stderr captured; kills it
     * (and its children) after {@link #CLIENT_TIMEOUT}, failing the test.
     */
    static Result run(List<String> command, Map<String, String> environment, Path workDir) throws IOException {
        Path log = Files.createTempFile(workDir, "client-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            if (!process.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command.get(0) + " did not finish within " + CLIENT_TIMEOUT + "; output:\n"
                        + Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        System.out.println("[interop] " + Path.of(command.get(0)).getFileName() + " exited " + process.exitValue()
                + " after " + (System.nanoTime() - started) / 1_000_000 + " ms");
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    /** The line of what {@code command} prints that names the version (else the first line), for the test log. */
    static String version(List<String> command, Map<String, String> environment, Path workDir) throws IOException {
        List<String> lines = run(command, environment, workDir).output().strip().lines().toList();
        return lines.stream().filter(l -> l.matches("(?i).*(version|release|python|curl) ?[0-9].*")).findFirst()
                .orElse(lines.isEmpty() ? "(no output)" : lines.get(0));
    }

    // ---------------------------------------------------------------------------------------------
    // Files

    /** Creates DIR/{cur,new,tmp}. */
    static Path maildir(Path dir) throws IOException {
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        return dir;
    }

    /** The messages in a maildir's new/ and cur/, in delivery order (mtime, then name). */
    static List<byte[]> maildirMessages(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> s = Files.list(dir.resolve(sub))) {
                s.forEach(files::add);
            }
        }
        return read(files);
    }

    /** The regular files of a directory, in creation order (mtime, then name). */
    static List<byte[]> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return read(s.filter(Files::isRegularFile).toList());
        }
    }

    private static List<byte[]> read(List<Path> files) throws IOException {
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing((Path p) -> {
            try {
                return Files.getLastModifiedTime(p).toInstant();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).thenComparing(Path::toString));
        List<byte[]> out = new ArrayList<>();
        for (Path p : sorted) {
            out.add(Files.readAllBytes(p));
        }
        return out;
    }

    static Path writePrivate(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
