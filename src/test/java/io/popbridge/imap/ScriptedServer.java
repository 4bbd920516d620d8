package io.popbridge.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A one-connection IMAP server on 127.0.0.1 driven line by line from the test thread. */
final class ScriptedServer implements AutoCloseable {

    private final ServerSocket listener;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    ScriptedServer() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        listener.setSoTimeout(10_000);
    }

    int port() {
        return listener.getLocalPort();
    }

    void accept(String greeting) throws IOException {
        socket = listener.accept();
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        send(greeting);
    }

    /** Accepts and completes a server TLS handshake before the greeting (implicit TLS). */
    void acceptTls(SSLContext context, String greeting) throws IOException {
        socket = listener.accept();
        socket.setSoTimeout(10_000);
        startTls(context);
        send(greeting);
    }

    /** Switches the connection to TLS (server side) and waits for the handshake. */
    void startTls(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        socket = tls;
        in = tls.getInputStream();
        out = tls.getOutputStream();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line, without its CRLF, decoded as UTF-8. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n';) {
            if (b < 0) {
                throw new IOException("closed");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    int available() throws IOException {
        return in.available();
    }

    /** Waits until the client closes the connection. */
    boolean clientClosed() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    void closeConnection() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeConnection();
        listener.close();
    }
}
