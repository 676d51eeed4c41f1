package dev.halfmoon.broker.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.broker.TestBrokers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The console on loopback (the default) answers requests for this machine only: a rebound web page is refused. */
@Timeout(60)
class LoopbackConsoleTest {
    @TempDir
    Path dir;

    @Test
    void aRequestNamingAnotherHostIsRefusedOnALoopbackConsole() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true")) {
            URI console = URI.create(broker.httpAddress().orElseThrow());
            assertTrue(get(console, "127.0.0.1:" + console.getPort()).startsWith("HTTP/1.1 200"));
            assertTrue(get(console, "localhost").startsWith("HTTP/1.1 200"));
            String rebound = get(console, "attacker.example:" + console.getPort());
            assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
            assertTrue(get(console, "127.0.0.1.attacker.example").startsWith("HTTP/1.1 403"));
            String head = request(console, "HEAD", "/health", "localhost");
            assertTrue(head.startsWith("HTTP/1.1 200") && head.endsWith("\r\n\r\n"), "HEAD: the headers of GET, no body: " + head);
        }
    }

    private static String get(URI console, String host) throws Exception {
        return request(console, "GET", "/health", host);
    }

    private static String request(URI console, String method, String path, String host) throws Exception {
        try (Socket s = new Socket(console.getHost(), console.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
