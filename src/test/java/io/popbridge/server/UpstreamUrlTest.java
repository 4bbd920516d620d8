package io.popbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.imap.UpstreamEndpoint.Security;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamUrlTest {

    @ParameterizedTest
    @CsvSource({
        "imaps://mail.example.com,            mail.example.com, 993,   IMPLICIT_TLS",
        "imaps://mail.example.com:10993,      mail.example.com, 10993, IMPLICIT_TLS",
        "IMAPS://Mail.Example.COM/,           mail.example.com, 993,   IMPLICIT_TLS",
        "imap+starttls://mail.example.com,    mail.example.com, 143,   STARTTLS",
        "imap+starttls://mail.example.com:587, mail.example.com, 587,  STARTTLS",
        "imap://127.0.0.1,                    127.0.0.1,        143,   PLAIN",
        "imap://127.8.9.10:3143,              127.8.9.10,       3143,  PLAIN",
        "imap://localhost:3143,               localhost,        3143,  PLAIN",
        "imap://[::1]:3143,                   ::1,              3143,  PLAIN",
        "imaps://[2001:db8::1],               2001:db8::1,      993,   IMPLICIT_TLS",
        "imaps://192.0.2.7:993,               192.0.2.7,        993,   IMPLICIT_TLS",
    })
    void parsesWithoutPlaintextPermission(String url, String host, int port, Security security) {
        assertEquals(new UpstreamEndpoint(host, port, security), UpstreamUrl.parse(url, false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mail.example.com                   | is not an upstream URL",
        "//mail.example.com                 | is not an upstream URL",
        "pop3s://mail.example.com           | unsupported scheme 'pop3s'",
        "https://mail.example.com           | unsupported scheme 'https'",
        "imap://mail.example.com            | would send every user's password in clear to mail.example.com",
        "imap://10.0.0.1                    | in clear",
        "imap://localhost.example.com       | in clear",
        "imaps://                           | has no host",
        "imaps://:993                       | has no host",
        "imaps://mail.example.com:          | the port after ':' is empty",
        "imaps://mail.example.com:0         | port 0 is out of range",
        "imaps://mail.example.com:65536     | port 65536 is out of range",
        "imaps://mail.example.com:99x       | '99x' is not a port",
        "imaps://mail.example.com/INBOX     | a path ('/INBOX') is not supported",
        "imaps://mail.example.com?x=1       | a query ('?x=1') is not supported",
        "imaps://mail.example.com/?x=1      | a query ('/?x=1') is not supported",
        "imaps://mail.example.com#top       | a fragment ('#top') is not supported",
        "imaps://bob:hunter2@mail.example.com | user info is not supported",
        "imaps://mail_server.example.com    | 'mail_server.example.com' is not a valid host name",
        "imaps://300.1.1.1                  | '300.1.1.1' is not a valid IPv4 address",
        "imaps://2001:db8::1                | an IPv6 address goes in brackets",
        "imaps://[2001:db8::1               | no closing ']'",
        "imaps://[mail]:993                 | 'mail' is not an IPv6 address",
        "imaps://[::1]x                     | unexpected 'x' after the IPv6 address",
    })
    void rejectsWithAPreciseProblem(String url, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UpstreamUrl.parse(url, false));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), "a password is never repeated");
    }

    @ParameterizedTest
    @CsvSource({"imap://mail.example.com, 143", "imap://10.0.0.1:1143, 1143"})
    void plaintextNeedsPermission(String url, int port) {
        assertEquals(port, UpstreamUrl.parse(url, true).port());
        assertEquals(Security.PLAIN, UpstreamUrl.parse(url, true).security());
    }

    @ParameterizedTest
    @CsvSource({"imaps://mail.example.com:993", "imap+starttls://mail.example.com:143", "imap://[::1]:3143"})
    void formatRoundTrips(String url) {
        UpstreamEndpoint endpoint = UpstreamUrl.parse(url, false);
        assertEquals(url, UpstreamUrl.format(endpoint));
        assertEquals(endpoint, UpstreamUrl.parse(UpstreamUrl.format(endpoint), false));
    }
}
