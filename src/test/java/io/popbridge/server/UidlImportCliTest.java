package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code uidl import} subcommand's options and errors, and the main command next to it. */
class UidlImportCliTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<ServerConfig> started = new ArrayList<>();

    private int run(String... args) {
        return Cli.run(args, (config, demo) -> started.add(config), new PrintWriter(out), new PrintWriter(err));
    }

    private Path passwordFile() throws IOException {
        return Files.writeString(dir.resolve("pw"), "secret\n");
    }

    @Test
    void mainHelpListsTheSubcommandAndTheMainCommandStillStarts() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("uidl"), out.toString());
        assertEquals(0, run("--upstream", "imaps://mail.example.com"));
        assertEquals(1, started.size());
    }

    @Test
    void importHelpListsItsOptionsAndNoneTakesAPassword() {
        assertEquals(0, run("uidl", "import", "--help"));
        for (String option : List.of("--old-server", "--user", "--old-password-file", "--new-password-file", "--batch",
                "--store-path", "--store-url", "--dry-run", "--config", "--upstream")) {
            assertTrue(out.toString().contains(option), option);
        }
        assertFalse(out.toString().matches("(?s).*--(old-|new-)?password[ =].*"), out.toString());
        assertTrue(started.isEmpty());
    }

    @Test
    void uidlAloneAsksForASubcommand() {
        assertEquals(2, run("uidl"));
        assertTrue(err.toString().contains("a subcommand is needed: import"), err.toString());
    }

    @Test
    void missingOldServerIsAUsageError() {
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com", "--user", "a"));
        assertTrue(err.toString().contains("--old-server"), err.toString());
        assertTrue(started.isEmpty());
    }

    @Test
    void userNeedsAPasswordFile() {
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3s://old.example.com", "--user", "a"));
        assertTrue(err.toString().contains("--old-password-file"), err.toString());
    }

    @Test
    void userAndBatchExcludeEachOther() throws IOException {
        Path batch = Files.writeString(dir.resolve("b.csv"), "a," + passwordFile() + "\n");
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3s://old.example.com", "--user", "a", "--old-password-file", passwordFile().toString(),
                "--batch", batch.toString()));
        assertTrue(err.toString().contains("--user"), err.toString());
    }

    @Test
    void aMalformedBatchLineIsNamed() throws IOException {
        Path batch = Files.writeString(dir.resolve("b.csv"), "# users\nalice," + passwordFile() + "\nbob\n");
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3s://old.example.com", "--batch", batch.toString()));
        assertTrue(err.toString().contains("line 3"), err.toString());
    }

    @Test
    void bothPasswordsFromStandardInputIsRefused() {
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3s://old.example.com", "--user", "a", "--old-password-file", "-",
                "--new-password-file", "-"));
        assertTrue(err.toString().contains("standard input"), err.toString());
    }

    @Test
    void plainPop3ToANonLoopbackHostIsRefusedEvenWithTheFlag() throws IOException {
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3://old.example.com", "--allow-plaintext-old-server",
                "--user", "a", "--old-password-file", passwordFile().toString()));
        assertTrue(err.toString().contains("--old-server"), err.toString());
        assertTrue(err.toString().contains("loopback"), err.toString());
    }

    @Test
    void anUnknownSchemeIsRefused() throws IOException {
        assertEquals(2, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "imap://old.example.com", "--user", "a", "--old-password-file", passwordFile().toString()));
        assertTrue(err.toString().contains("pop3s://"), err.toString());
    }

    @Test
    void anUnreachableStoreFailsWithOneLineAndExitOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path storePw = Files.writeString(dir.resolve("db-pw"), "db-secret\n");
        assertEquals(1, run("uidl", "import", "--upstream", "imaps://mail.example.com",
                "--old-server", "pop3s://old.example.com", "--user", "a", "--old-password-file", passwordFile().toString(),
                "--store-url", "jdbc:postgresql://127.0.0.1:" + closed + "/popbridge", "--store-user", "pb",
                "--store-password-file", storePw.toString()));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("127.0.0.1:" + closed), err.toString());
        assertFalse(err.toString().contains("db-secret"));
    }
}
