package io.popbridge.server;

import io.popbridge.imap.UpstreamEndpoint;
import io.popbridge.imap.UpstreamEndpoint.Security;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses upstream URLs: {@code imap://host[:143]}, {@code imaps://host[:993]} and
 * {@code imap+starttls://host[:143]}.
 *
 * <p>Nothing but scheme, host and port is accepted: a path, query, fragment or user-info is an
 * error, not silently dropped. Problem texts never repeat user-info, which may hold a password.
 */
public final class UpstreamUrl {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private UpstreamUrl() {
    }

    /**
     * Parses {@code url} into an endpoint.
     *
     * @param allowPlaintext whether {@code imap://} may point at a non-loopback host
     * @throws IllegalArgumentException with a one-line problem text meant to follow the setting name
     */
    public static UpstreamEndpoint parse(String url, boolean allowPlaintext) {
        int sep = url.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("'" + safe(url)
                    + "' is not an upstream URL (expected imaps://host[:port], imap+starttls://host[:port] or imap://host[:port])");
        }
        String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
        Security security;
        int defaultPort;
        switch (scheme) {
            case "imap" -> { security = Security.PLAIN; defaultPort = 143; }
            case "imaps" -> { security = Security.IMPLICIT_TLS; defaultPort = 993; }
            case "imap+starttls" -> { security = Security.STARTTLS; defaultPort = 143; }
            default -> throw new IllegalArgumentException("unsupported scheme '" + safe(url.substring(0, sep))
                    + "' (expected imaps, imap+starttls or imap)");
        }
        String rest = url.substring(sep + 3);
        if (rest.indexOf('@') >= 0) {
            throw new IllegalArgumentException(
                    "user info is not supported in the upstream URL: every POP3 user logs in upstream as themselves");
        }
        int end = indexOfAny(rest, "/?#");
        if (end >= 0) {
            String tail = rest.substring(end);
            if (tail.startsWith("?") || tail.matches("/[?].*")) {
                throw new IllegalArgumentException("a query ('" + tail + "') is not supported in the upstream URL");
            }
            if (tail.startsWith("#") || tail.matches("/#.*")) {
                throw new IllegalArgumentException("a fragment ('" + tail + "') is not supported in the upstream URL");
            }
            if (!tail.equals("/")) {
                throw new IllegalArgumentException("a path ('" + tail
                        + "') is not supported in the upstream URL; the mailbox is set with upstream.mailbox");
            }
            rest = rest.substring(0, end);
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + rest + "' has no closing ']' after the IPv6 address");
            }
            host = rest.substring(1, close);
            if (!IPV6.matcher(host).matches() || literal(host) == null) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
            }
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("unexpected '" + after + "' after the IPv6 address");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = rest.indexOf(':');
            if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException(
                        "an IPv6 address goes in brackets, as in imaps://[2001:db8::1]:993");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("the upstream URL has no host");
            }
            if (!HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + host + "' is not a valid host name");
            }
            if (IPV4.matcher(host).matches() && literal(host) == null) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IPv4 address");
            }
        }
        int port = portText == null ? defaultPort : parsePort(portText);
        host = host.toLowerCase(Locale.ROOT);
        if (security == Security.PLAIN && !allowPlaintext && !isLoopback(host)) {
            throw new IllegalArgumentException("imap:// would send every user's password in clear to " + host
                    + "; use imaps:// or imap+starttls://, or allow it with upstream.allow-plaintext: true"
                    + " (--allow-plaintext-upstream)");
        }
        return new UpstreamEndpoint(host, port, security);
    }

    /** The URL form of an endpoint, as {@link #parse} accepts it. */
    public static String format(UpstreamEndpoint endpoint) {
        String scheme = switch (endpoint.security()) {
            case PLAIN -> "imap";
            case STARTTLS -> "imap+starttls";
            case IMPLICIT_TLS -> "imaps";
        };
        String host = endpoint.host().indexOf(':') >= 0 ? "[" + endpoint.host() + "]" : endpoint.host();
        return scheme + "://" + host + ":" + endpoint.port();
    }

    /** Whether {@code host} is localhost, 127.0.0.0/8 or ::1, judged without any DNS lookup. */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        if (IPV4.matcher(h).matches() || IPV6.matcher(h).matches()) {
            InetAddress address = literal(h);
            return address != null && address.isLoopbackAddress();
        }
        return false;
    }

    static int parsePort(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the port after ':' is empty");
        }
        if (!text.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + text + "' is not a port (expected 1 to 65535)");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range (expected 1 to 65535)");
        }
        return port;
    }

    /** Parses an IP literal; null if it is not one. Never resolves names: callers check the shape first. */
    static InetAddress literal(String text) {
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String safe(String text) {
        // Never echo something that might carry user-info (and a password).
        return text.indexOf('@') >= 0 ? "(URL with user info)" : text;
    }
}
