package dev.halfmoon.remoting;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RemotingEndToEndTest {
    RemotingServer server;
    RemotingClient client;
    String address;
    ExecutorService executor = Executors.newFixedThreadPool(4);
    AtomicInteger oneways = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        server = new RemotingServer("test", NettyConfig.defaults("127.0.0.1", 0).withMaxFrameBytes(64 * 1024));
        server.register(1000, (ch, req) -> RequestProcessor.done(RemotingCommand.response(req, 0, null)
                .withExt("echo", req.ext("value")).withBody(req.body())), executor);
        server.register(1001, (ch, req) -> {
            oneways.incrementAndGet();
            return null;
        }, executor);
        server.register(1002, (ch, req) -> {
            throw new RequestException(ResponseCode.TOPIC_NOT_EXIST, "topic T9 does not exist");
        }, executor);
        server.register(1003, (ch, req) -> {
            throw new IllegalStateException("boom");
        }, executor);
        ThreadPoolExecutor tiny = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        server.register(1004, (ch, req) -> {
            release.await(10, TimeUnit.SECONDS);
            return RequestProcessor.done(RemotingCommand.response(req, 0, null));
        }, tiny);
        server.register(1005, (ch, req) -> ch.request(RemotingCommand.request(2000, Map.of("q", "ping"), null), 3000)
                .thenApply(answer -> RemotingCommand.response(req, 0, null).withExt("client", answer.ext("a"))), executor);
        server.register(1006, new RequestProcessor() {
            @Override
            public CompletableFuture<RemotingCommand> process(RemotingChannel ch, RemotingCommand req) {
                return RequestProcessor.done(RemotingCommand.response(req, 0, null)
                        .withExt("thread", Thread.currentThread().getName()));
            }

            @Override
            public boolean runsInline(RemotingCommand req) {
                if ("bad".equals(req.ext("inline"))) {
                    throw new RequestException(ResponseCode.SYSTEM_ERROR, "garbled header");
                }
                return "yes".equals(req.ext("inline"));
            }
        }, executor);
        server.register(1007, (ch, req) -> { // the peer goes away without answering
            ch.close();
            return new CompletableFuture<>();
        }, executor);
        server.register(1008, (ch, req) -> ch.request(RemotingCommand.request(2001, null, null), 5000)
                .thenApply(answer -> RemotingCommand.response(req, 0, null).withExt("client", answer.ext("a"))), executor);
        address = "127.0.0.1:" + server.start().getPort();
        client = new RemotingClient("test-client");
        client.register(2000, (ch, req) -> RequestProcessor.done(RemotingCommand.response(req, 0, null)
                .withExt("a", req.ext("q") + "-pong")), executor);
    }

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        server.close();
        executor.shutdownNow();
    }

    @Test
    void aRequestItsProcessorCallsCheapRunsOnTheNetworkThreadAndEveryOtherOnTheExecutor() {
        String inline = client.invokeSync(address, RemotingCommand.request(1006, Map.of("inline", "yes"), null), 3000)
                .ext("thread");
        String pooled = client.invokeSync(address, RemotingCommand.request(1006, Map.of("inline", "no"), null), 3000)
                .ext("thread");
        String garbled = client.invokeSync(address, RemotingCommand.request(1006, Map.of("inline", "bad"), null), 3000)
                .ext("thread");
        assertTrue(!inline.startsWith("pool-"), "ran inline on " + inline);
        assertTrue(pooled.startsWith("pool-"), "ran on the executor: " + pooled);
        assertTrue(garbled.startsWith("pool-"), "a runsInline that throws counts as false: " + garbled);
    }

    @Test
    void aRequestWhoseConnectionClosesFailsAtOnceNotAtItsTimeout() {
        long begin = System.nanoTime();
        CompletableFuture<RemotingCommand> r = client.invokeAsync(address, RemotingCommand.request(1007, Map.of(), null), 30_000);
        java.util.concurrent.CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.CompletionException.class, r::join);
        assertTrue(e.getCause() instanceof RemotingException.Closed, e.getCause().toString());
        assertTrue((System.nanoTime() - begin) / 1_000_000 < 10_000, "not after the 30 s timeout");
    }

    @Test
    void aSyncRequestFromAnInterruptedThreadGetsItsAnswerAndKeepsTheInterrupt() {
        // the request goes out whatever the caller's interrupt status; failing it would make the caller send it again
        Thread.currentThread().interrupt();
        try {
            RemotingCommand r = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "once"), null), 3000);
            assertEquals("once", r.ext("echo"));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aClosedClientRefusesRequestsAtOnce() {
        RemotingClient closed = new RemotingClient("closed");
        closed.close();
        long begin = System.nanoTime();
        RemotingException e = org.junit.jupiter.api.Assertions.assertThrows(RemotingException.class,
                () -> closed.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "v"), null), 30_000));
        assertTrue(e instanceof RemotingException.Connect, e.toString());
        assertTrue((System.nanoTime() - begin) / 1_000_000 < 5_000, "not after the timeout");
    }

    @Test
    void syncRequestsAreAnsweredWithTheirOwnOpaque() {
        for (int i = 0; i < 50; i++) {
            RemotingCommand r = client.invokeSync(address,
                    RemotingCommand.request(1000, Map.of("value", "v" + i), ("b" + i).getBytes()), 3000);
            assertTrue(r.isResponse());
            assertEquals("v" + i, r.ext("echo"));
            assertEquals("b" + i, new String(r.body()));
        }
    }

    @Test
    void onewayRequestsAreHandledAndNeverAnswered() {
        for (int i = 0; i < 10; i++) {
            client.invokeOneway(address, RemotingCommand.request(1001, Map.of(), null)).join();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> oneways.get() == 10);
    }

    @Test
    void unknownCodesProcessorErrorsAndBusyExecutorsGetClearAnswers() {
        RemotingCommand unknown = client.invokeSync(address, RemotingCommand.request(4242, null, null), 3000);
        assertEquals(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, unknown.code());
        assertTrue(unknown.remark().contains("4242"));
        RemotingCommand refused = client.invokeSync(address, RemotingCommand.request(1002, null, null), 3000);
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, refused.code());
        assertEquals("topic T9 does not exist", refused.remark());
        RemotingCommand failed = client.invokeSync(address, RemotingCommand.request(1003, null, null), 3000);
        assertEquals(ResponseCode.SYSTEM_ERROR, failed.code());
        assertTrue(failed.remark().contains("boom"));

        CompletableFuture<RemotingCommand> first = client.invokeAsync(address, RemotingCommand.request(1004, null, null), 5000);
        CompletableFuture<RemotingCommand> queued = client.invokeAsync(address, RemotingCommand.request(1004, null, null), 5000);
        await().pollDelay(Duration.ofMillis(100)).until(() -> true);
        RemotingCommand busy = client.invokeSync(address, RemotingCommand.request(1004, null, null), 3000);
        assertEquals(ResponseCode.SYSTEM_BUSY, busy.code());
        release.countDown();
        assertEquals(0, first.join().code());
        assertEquals(0, queued.join().code());
    }

    /** Bodies of requests in progress are bounded in bytes, whatever the executors' queues would take. */
    @Test
    void requestBodiesInProgressOverTheBudgetAreAnsweredBusyUntilTheyAreAnswered() {
        server.maxRequestBodyBytes(100_000);
        java.util.List<CompletableFuture<RemotingCommand>> held = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) { // one running, one queued on the tiny executor: 80 000 bytes held
            held.add(client.invokeAsync(address, RemotingCommand.request(1004, null, new byte[40_000]), 5000));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requestBodyBytes() == 80_000);
        RemotingCommand busy = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "x"),
                new byte[30_000]), 3000);
        assertEquals(ResponseCode.SYSTEM_BUSY, busy.code());
        assertTrue(busy.remark().contains("of request bodies in progress"), busy.remark());
        assertEquals(0, client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "x"), new byte[10_000]),
                3000).code(), "what fits goes through");
        assertEquals(0, client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "x"), null), 3000)
                .code(), "requests without a body are never refused for bytes");

        release.countDown();
        held.forEach(h -> assertEquals(0, h.join().code()));
        RemotingCommand after = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "y"),
                new byte[60_000]), 3000);
        assertEquals(0, after.code(), "the budget is given back as requests are answered");
        server.maxRequestBodyBytes(10_000);
        RemotingCommand alone = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "z"),
                new byte[60_000]), 3000);
        assertEquals(0, alone.code(), "a request alone is never refused for its size");
    }

    @Test
    void aRequestWithoutAnswerTimesOut() {
        RemotingException e = assertThrows(RemotingException.Timeout.class,
                () -> client.invokeSync(address, RemotingCommand.request(1001, null, null), 200));
        assertTrue(e.getMessage().contains("1001"));
    }

    @Test
    void theServerCanAskTheClientOverTheSameConnection() {
        RemotingCommand r = client.invokeSync(address, RemotingCommand.request(1005, null, null), 5000);
        assertEquals("ping-pong", r.ext("client"));
    }

    /** What the server asks one client only that client can answer: another connection's made-up answers are dropped. */
    @Test
    void anotherConnectionCannotAnswerWhatTheServerAskedAClient() throws Exception {
        CountDownLatch asking = new CountDownLatch(1);
        CountDownLatch forged = new CountDownLatch(1);
        client.register(2001, (ch, req) -> CompletableFuture.supplyAsync(() -> {
            asking.countDown();
            try {
                forged.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RemotingCommand.response(req, 0, null).withExt("a", "real");
        }), executor);
        CompletableFuture<RemotingCommand> asked = client.invokeAsync(address, RemotingCommand.request(1008, null, null), 10_000);
        assertTrue(asking.await(5, TimeUnit.SECONDS), "the server asked the client");
        try (Socket intruder = new Socket("127.0.0.1", Integer.parseInt(address.split(":")[1]))) {
            OutputStream out = intruder.getOutputStream();
            for (int opaque = 0; opaque < 32; opaque++) { // every opaque the server may have used so far
                out.write(ByteBufUtil.getBytes(FrameEncoder.encode(Unpooled.buffer(),
                        RemotingCommand.response(opaque, 0, null).withExt("a", "forged"))));
            }
            out.flush();
            RemotingCommand ping = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "x"), null), 3000);
            assertEquals("x", ping.ext("echo")); // (the intruder's frames were read by now: they came first)
        }
        forged.countDown();
        assertEquals("real", asked.get(10, TimeUnit.SECONDS).ext("client"));
    }

    @Test
    void garbageOnOneConnectionClosesOnlyThatOne() throws Exception {
        try (Socket bad = new Socket("127.0.0.1", Integer.parseInt(address.split(":")[1]))) {
            OutputStream out = bad.getOutputStream();
            out.write(ByteBuffer.allocate(8).putInt(10 << 20).putInt(0).array());
            out.flush();
            InputStream in = bad.getInputStream();
            bad.setSoTimeout(5000);
            assertEquals(-1, in.read());
        }
        RemotingCommand r = client.invokeSync(address, RemotingCommand.request(1000, Map.of("value", "still"), null), 3000);
        assertEquals("still", r.ext("echo"));
    }

    /** Huge frames sent slowly hold buffer memory: past the endpoint's budget the connection that grows it is closed. */
    @Test
    void incompleteFramesOverTheBudgetCloseTheConnectionThatGrowsThemAndNoOther() throws Exception {
        RemotingServer big = new RemotingServer("big", NettyConfig.defaults("127.0.0.1", 0).withMaxFrameBytes(8 << 20))
                .maxPartialFrameBytes(5 << 20);
        big.register(1000, (ch, req) -> RequestProcessor.done(RemotingCommand.response(req, 0, null)
                .withExt("echo", req.ext("value"))), executor);
        int port = big.start().getPort();
        try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
            byte[] frame = ByteBufUtil.getBytes(FrameEncoder.encode(Unpooled.buffer(),
                    RemotingCommand.request(1000, Map.of("value", "big"), new byte[4 << 20])));
            int half = 7 << 19; // 3.5 MiB, then 2 MiB of the second: together over the 5 MiB budget
            first.getOutputStream().write(frame, 0, half);
            first.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> big.partialFrameBytes() == half);
            second.getOutputStream().write(frame, 0, 2 << 20);
            second.getOutputStream().flush();
            second.setSoTimeout(5000);
            try { // the connection that went over the budget is closed (reset: it had sent what was not read)
                assertEquals(-1, second.getInputStream().read());
            } catch (java.net.SocketException reset) {
                assertTrue(reset.getMessage().contains("reset"), reset.toString());
            }

            first.getOutputStream().write(frame, half, frame.length - half);
            first.getOutputStream().flush();
            first.setSoTimeout(5000);
            java.io.DataInputStream in = new java.io.DataInputStream(first.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            assertEquals("big", FrameDecoder.decodeFrame(Unpooled.wrappedBuffer(answer)).ext("echo"));
            assertEquals(0, big.partialFrameBytes());
        } finally {
            big.close();
        }
    }

    @Test
    void connectingToNothingFailsClearly() {
        RemotingException e = assertThrows(RemotingException.class,
                () -> client.invokeSync("127.0.0.1:1", RemotingCommand.request(1000, null, null), 1000));
        assertTrue(e.getMessage().contains("127.0.0.1:1"));
    }
}
