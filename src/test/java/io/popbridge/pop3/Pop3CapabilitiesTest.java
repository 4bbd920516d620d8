package io.popbridge.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Pop3CapabilitiesTest {

    private static final Pop3Command NONE = (session, args) -> { };

    @Test
    void onlyWiredCommandsAreAdvertised() {
        Pop3Options options = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, "x");
        List<String> caps = Pop3Capabilities.of(options, Map.of("USER", NONE), Map.of("UIDL", NONE));
        assertEquals(List.of("UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION x"), caps);
    }

    @Test
    void implementationTextIsSanitized() {
        Pop3Options options = new Pop3Options(255, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, "pb\r\nSTLS");
        List<String> caps = Pop3Capabilities.of(options, AuthorizationCommands.TABLE, TransactionCommands.TABLE);
        assertTrue(caps.contains("IMPLEMENTATION pb??STLS"), caps.toString());
    }

    @Test
    void badSettingsAreRejectedNamingTheSetting() {
        FakeProvider provider = new FakeProvider();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pop3ServerInitializer(
                new Pop3Options(0, Duration.ofMinutes(10), Duration.ofMinutes(1), 3, null), provider));
        assertTrue(e.getMessage().contains("maxLineLength"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Pop3ServerInitializer(
                new Pop3Options(255, Duration.ofMinutes(-1), Duration.ofMinutes(1), 3, null), provider));
        assertTrue(e.getMessage().contains("idleTimeout"), e.getMessage());
    }
}
