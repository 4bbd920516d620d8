package io.popbridge.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.popbridge.imap.ImapClientOptions;
import io.popbridge.imap.UpstreamEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static Route route(String host) {
        return new Route(new UpstreamEndpoint(host, 993, UpstreamEndpoint.Security.IMPLICIT_TLS),
                ImapClientOptions.defaults(), LoginRewrite.AS_IS);
    }

    private final Route fallback = route("default.example");
    private final Route domain = route("domain.example");
    private final Route user = route("user.example");
    private final Router router = new Router(fallback, Map.of("Alice@Example.com", user),
            Map.of("example.COM", domain));

    @Test
    void exactUserBeatsDomainBeatsDefault() {
        assertSame(user, router.route("alice@example.com"));
        assertSame(user, router.route("ALICE@example.COM"));
        assertSame(domain, router.route("bob@example.com"));
        assertSame(domain, router.route("bob@EXAMPLE.com"));
        assertSame(fallback, router.route("bob@example.org"));
        assertSame(fallback, router.route("bob@sub.example.com"));
        assertSame(fallback, router.route("bob"));
        assertSame(fallback, router.route("example.com"));
        assertSame(domain, router.route("odd@name@example.com"));
    }

    @Test
    void keysDifferingOnlyInCaseAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new Router(fallback, Map.of(), Map.of("a.example", domain, "A.example", user)));
    }

    @Test
    void stripDomainCutsAtTheLastAt() {
        assertArrayEquals(bytes("alice"), LoginRewrite.STRIP_DOMAIN.apply(bytes("alice@example.com")));
        assertArrayEquals(bytes("a@b"), LoginRewrite.STRIP_DOMAIN.apply(bytes("a@b@example.com")));
        assertArrayEquals(bytes("alice"), LoginRewrite.STRIP_DOMAIN.apply(bytes("alice")));
        assertArrayEquals(bytes("jürgen"), LoginRewrite.STRIP_DOMAIN.apply(bytes("jürgen@example.com")));
        assertArrayEquals(bytes("alice@example.com"), LoginRewrite.AS_IS.apply(bytes("alice@example.com")));
        assertThrows(IllegalArgumentException.class, () -> LoginRewrite.parse("strip"));
        assertSame(LoginRewrite.STRIP_DOMAIN, LoginRewrite.parse("Strip-Domain"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
