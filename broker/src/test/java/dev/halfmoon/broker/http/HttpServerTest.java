package dev.halfmoon.broker.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operators' HTTP server over a raw socket: what browsers, proxies and load tools do to it. */
@Timeout(60)
class HttpServerTest {
    private final CountDownLatch slowMayFinish = new CountDownLatch(1);
    private final HttpServer server = new HttpServer(request -> {
        if (request.path().equals("/slow")) { // answered only after /fast was, if both run at once
            return CompletableFuture.supplyAsync(() -> {
                try {
                    slowMayFinish.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HttpReply.text(200, "text/plain", "slow");
            });
        }
        if (request.path().equals("/fast")) {
            slowMayFinish.countDown();
        }
        return CompletableFuture.completedFuture(HttpReply.text(200, "text/plain", request.path()));
    });
    private InetSocketAddress address;

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String exchange(String requests) throws Exception {
        if (address == null) {
            address = server.start("127.0.0.1", 0);
        }
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static List<String> bodies(String replies) {
        List<String> bodies = new ArrayList<>();
        Pattern length = Pattern.compile("(?im)^content-length: (\\d+)$");
        int at = 0;
        for (int end; (end = replies.indexOf("\r\n\r\n", at)) >= 0; ) {
            Matcher m = length.matcher(replies.substring(at, end));
            int n = m.find() ? Integer.parseInt(m.group(1)) : 0;
            bodies.add(replies.substring(end + 4, Math.min(replies.length(), end + 4 + n)));
            at = end + 4 + n;
        }
        return bodies;
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyWereSent() throws Exception {
        String replies = exchange("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /fast HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(List.of("slow", "/fast", "/last"), bodies(replies), replies);
    }

    /** No other site may frame the console: its Commit and Rollback buttons could be clicked through the frame. */
    @Test
    void everyReplyForbidsFramingAndSniffing() throws Exception {
        String reply = exchange("GET /page HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").toLowerCase();
        assertTrue(reply.contains("x-frame-options: deny") && reply.contains("content-security-policy: frame-ancestors 'none'")
                && reply.contains("x-content-type-options: nosniff"), reply);
    }

    /** Connections that stay open (slow or idle clients) are capped, per address and in all: more are closed at once. */
    @Test
    void connectionsOverTheCapsAreClosedAndTheOthersStillServed() throws Exception {
        address = server.start("127.0.0.1", 0);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < HttpServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(from(1));
            }
            await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> server.connections() == HttpServer.MAX_CONNECTIONS_PER_ADDRESS);
            assertClosedAtOnce(from(1)); // one address's share
            for (int host = 2; open.size() < HttpServer.MAX_CONNECTIONS; host++) { // (all of 127/8 is this machine)
                for (int i = 0; i < HttpServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                    open.add(from(host));
                }
            }
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> server.connections() == HttpServer.MAX_CONNECTIONS);
            assertClosedAtOnce(from(100)); // all of them
            Socket first = open.get(0);
            first.getOutputStream().write("GET /still HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            first.setSoTimeout(10_000);
            String reply = new String(first.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 200") && reply.endsWith("/still"), reply);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> server.connections() == 0);
    }

    private Socket from(int host) throws Exception {
        return new Socket(address.getAddress(), address.getPort(), java.net.InetAddress.getByName("127.0.0." + host), 0);
    }

    private static void assertClosedAtOnce(Socket extra) throws Exception {
        try (extra) {
            extra.setSoTimeout(10_000);
            assertEquals(-1, extra.getInputStream().read(), "closed at once");
        }
    }

    @Test
    void anOversizedRequestGetsIts413InItsTurn() throws Exception {
        String big = "x".repeat(70 * 1024);
        String replies = exchange("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + big.length() + "\r\n\r\n" + big);
        assertTrue(replies.startsWith("HTTP/1.1 200"), replies);
        assertEquals("slow", bodies(replies).get(0));
        assertTrue(replies.contains("HTTP/1.1 413"), replies);
    }

    @Test
    void aMalformedEscapeInThePathGetsA400NotASilentClose() throws Exception {
        String reply = exchange("GET /api/groups/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
    }

    @Test
    void aConnectionThatPilesUpRequestsIsClosedRatherThanBuffered() throws Exception {
        String replies = exchange("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(200));
        assertTrue(bodies(replies).size() < 200, "some requests were dropped with the connection: " + bodies(replies).size());
    }
}
