package dev.halfmoon.bench.soak;

import dev.halfmoon.bench.BenchTopics;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.testkit.HalfmoonProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;

/**
 * Feeds a Halfmoon broker and its name server bad frames ({@link Garbage}) from several
 * connections, with slow-loris connections on the side, while a well-behaved official client
 * sends and consumes on its own connections; checks the client saw no error and no stall over a
 * second, everything sent arrived, both servers still run, and the broker's heap after a full GC
 * did not grow. Not thread-safe; one run per instance.
 */
public final class GarbageSoak {
    private static final String TOPIC = "GarbageSoak";
    /** The topic the bad frames name (real ones, damaged or not, do store messages there). */
    private static final String TARGET = "GarbageTarget";

    private final Path dataDir;
    private final long frames;
    private final int attackers;
    private final long seed;
    private final PrintStream out;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    /** What the run is doing now, named in the line about a slow send. */
    private volatile String phase = "warm-up";
    private volatile long clientStart;

    public GarbageSoak(Path dataDir, long frames, int attackers, long seed, PrintStream out) {
        this.dataDir = dataDir;
        this.frames = frames;
        this.attackers = attackers;
        this.seed = seed;
        this.out = out;
    }

    /**
     * The slowest send allowed even counting this JVM's own pauses (they are excused from the 1 s stall limit, but a
     * broker starving the machine could cause them too).
     */
    static final long RAW_SEND_LIMIT_MS = 5000;

    /** What the run found. */
    public record Report(long requested, long frames, long connections, long clientSends, long clientErrors, long maxSendMs,
                         long maxStallMs, long longestHiccupMs, long received, long routeQueries, long routeErrors,
                         long maxRouteStallMs, boolean brokerAlive, long heapBeforeMib, long heapAfterMib, long brokerErrors,
                         long elapsedMs) implements SoakOutcome {
        @Override
        public boolean ok() {
            return frames >= requested && brokerErrors == 0 && clientErrors == 0 && maxStallMs <= 1000 && received == clientSends
                    && maxSendMs <= RAW_SEND_LIMIT_MS && routeQueries > 0 && routeErrors == 0 && maxRouteStallMs <= 1000
                    && brokerAlive
                    && heapBeforeMib >= 0 && heapAfterMib >= 0 && heapAfterMib <= heapBeforeMib + 64; // -1: unreadable
        }

        @Override
        public String toString() {
            return String.format("%,d bad frames on %,d connections in %.1f s; the well-behaved client sent %,d (%d errors, "
                            + "slowest %d ms, %d ms not counting pauses of this JVM itself, the longest of which was %d ms) "
                            + "and received %,d; it asked the name server for routes %,d times (%d errors, slowest %d ms "
                            + "not counting pauses); broker alive: %s, %d ERROR lines in its log; heap after full GC %d MiB -> "
                            + "%d MiB -> %s", frames, connections, elapsedMs / 1000.0, clientSends, clientErrors, maxSendMs,
                    maxStallMs, longestHiccupMs, received, routeQueries, routeErrors, maxRouteStallMs, brokerAlive,
                    brokerErrors, heapBeforeMib, heapAfterMib, ok() ? "OK" : "FAILED");
        }
    }

    public Report run() throws Exception {
        try (HalfmoonProcess broker = HalfmoonProcess.start(dataDir, List.of("registerNameServerPeriod=1000"))) {
            BenchTopics.create(broker.broker(), broker.namesrv(), TOPIC);
            BenchTopics.create(broker.broker(), broker.namesrv(), TARGET);
            Set<Long> received = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = consumer(broker.namesrv(), received);
            DefaultMQProducer producer = producer(broker.namesrv());
            AtomicBoolean attacking = new AtomicBoolean(true);
            ClientStats stats = new ClientStats();
            ClientStats routes = new ClientStats();
            try (Hiccups hiccups = new Hiccups()) {
                // the client's first send looks its route up and connects, on a cold JVM (once 1.3 s on a loaded 2-core
                // machine): not the broker stalling, so it is made before the timed sends begin (id -1: not counted)
                producer.send(new Message(TOPIC, ByteBuffer.allocate(64).putLong(-1).array()));
                clientStart = System.nanoTime();
                Thread client = new Thread(() -> wellBehaved(producer, attacking, stats, hiccups), "well-behaved-client");
                client.start();
                Thread probe = new Thread(() -> routeProbe(broker.namesrv(), attacking, routes, hiccups), "route-probe");
                probe.start();
                TimeUnit.SECONDS.sleep(2);
                phase = "heap before";
                long heapBefore = Heap.usedAfterFullGcMib(broker.pid());
                phase = "attack";
                long begin = System.nanoTime();
                List<Thread> threads = attack(broker, attacking);
                for (Thread t : threads) {
                    t.join();
                }
                long elapsed = (System.nanoTime() - begin) / 1_000_000;
                phase = "after attack";
                TimeUnit.SECONDS.sleep(1);
                attacking.set(false);
                client.join(10_000);
                probe.join(10_000);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (missing(received, stats.sends.get()) > 0 && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                phase = "heap after";
                long heapAfter = Heap.usedAfterFullGcMib(broker.pid());
                long sends = stats.sends.get();
                return new Report(frames, sent.get(), connections.get(), sends, stats.errors.get(), stats.maxMs.get(),
                        stats.maxStallMs.get(), hiccups.longestMs(), sends - missing(received, sends), routes.sends.get(),
                        routes.errors.get(), routes.maxStallMs.get(), broker.isAlive(), heapBefore, heapAfter,
                        errorLines(dataDir.resolve("process.log")), elapsed);
            } finally {
                attacking.set(false);
                producer.shutdown();
                consumer.shutdown();
            }
        }
    }

    /** ERROR lines the broker wrote: a bad frame must be refused, never make a processor fail. */
    private long errorLines(Path log) throws IOException {
        try (var lines = java.nio.file.Files.lines(log)) {
            return lines.filter(l -> l.contains(" ERROR ")).peek(l -> out.println("  [garbage soak] broker: " + l)).count();
        }
    }

    private static long missing(Set<Long> received, long sends) {
        long missing = 0;
        for (long id = 0; id < sends; id++) {
            missing += received.contains(id) ? 0 : 1;
        }
        return missing;
    }

    private List<Thread> attack(HalfmoonProcess broker, AtomicBoolean attacking) {
        List<byte[]> brokerFrames = RealFrames.broker(TARGET);
        List<byte[]> namesrvFrames = RealFrames.namesrv(TARGET);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            boolean atNamesrv = i % 2 == 1; // with two or more attackers, every other one at the name server
            Garbage garbage = new Garbage(new Random(seed + i), atNamesrv ? namesrvFrames : brokerFrames);
            InetSocketAddress target = address(atNamesrv ? broker.namesrv() : broker.broker());
            Thread t = new Thread(() -> attackLoop(target, garbage), "attacker-" + i);
            t.start();
            threads.add(t);
        }
        Thread slow = new Thread(() -> slowLoris(address(broker.broker()), attacking), "slow-loris");
        slow.setDaemon(true);
        slow.start();
        return threads;
    }

    private void attackLoop(InetSocketAddress target, Garbage garbage) {
        long reportEvery = Math.max(1, frames / 10);
        while (sent.get() < frames) {
            try (Socket s = new Socket()) {
                s.setSoLinger(true, 0);
                s.setTcpNoDelay(true);
                s.connect(target, 2000);
                connections.incrementAndGet();
                OutputStream o = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 16 && sent.get() < frames; i++) {
                    Garbage.Piece piece = garbage.next();
                    o.write(piece.bytes());
                    long n = sent.incrementAndGet();
                    if (n % reportEvery == 0) {
                        out.printf("  [garbage soak] %,d / %,d bad frames, %,d connections%n", n, frames, connections.get());
                    }
                    discard(in);
                    if (!piece.survivable()) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the server closed it, as it should for garbage
            }
        }
    }

    private static void discard(InputStream in) throws IOException {
        int available = in.available();
        if (available > 0) {
            in.skip(available);
        }
    }

    /** Connections that declare a big frame and trickle it a byte at a time, 20 at once, 10 s each. */
    private void slowLoris(InetSocketAddress target, AtomicBoolean attacking) {
        List<Socket> open = new ArrayList<>();
        List<Long> openedAt = new ArrayList<>();
        try {
            while (attacking.get()) {
                while (open.size() < 20) {
                    Socket s = new Socket();
                    s.setSoLinger(true, 0);
                    s.connect(target, 2000);
                    s.getOutputStream().write(ByteBuffer.allocate(4).putInt(8 << 20).array());
                    open.add(s);
                    openedAt.add(System.nanoTime());
                }
                for (int i = open.size() - 1; i >= 0; i--) {
                    try {
                        open.get(i).getOutputStream().write(0x7B);
                    } catch (IOException e) {
                        open.remove(i).close();
                        openedAt.remove(i);
                        continue;
                    }
                    if (System.nanoTime() - openedAt.get(i) > TimeUnit.SECONDS.toNanos(10)) {
                        open.remove(i).close();
                        openedAt.remove(i);
                    }
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } catch (IOException | InterruptedException e) {
            // stop trickling
        } finally {
            for (Socket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** What the well-behaved client saw. */
    private static final class ClientStats {
        final AtomicLong sends = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong maxMs = new AtomicLong();
        /** The longest send less the time this JVM itself was paused meanwhile: what the broker made it wait. */
        final AtomicLong maxStallMs = new AtomicLong();
    }

    private void wellBehaved(DefaultMQProducer producer, AtomicBoolean attacking, ClientStats stats, Hiccups hiccups) {
        long[] id = {0};
        while (attacking.get()) {
            timed(stats, hiccups, "a send", () -> {
                producer.send(new Message(TOPIC, ByteBuffer.allocate(64).putLong(id[0]).array()));
                id[0]++;
            });
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Asks the name server for the topic's route every 100 ms, as a client does when it starts or refreshes. */
    private void routeProbe(String namesrv, AtomicBoolean attacking, ClientStats stats, Hiccups hiccups) {
        try (RemotingClient client = new RemotingClient("route-probe")) {
            // connected before the timed queries, as the client's first send is (its errors are counted by those)
            client.invokeSync(namesrv, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, Map.of("topic", TOPIC),
                    null), 5000);
            while (attacking.get()) {
                timed(stats, hiccups, "a route query", () -> {
                    RemotingCommand r = client.invokeSync(namesrv, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC,
                            Map.of("topic", TOPIC), null), 5000);
                    if (r.code() != ResponseCode.SUCCESS) {
                        throw new IllegalStateException("route of " + TOPIC + ": " + r.code() + " " + r.remark());
                    }
                });
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs {@code call}, counting it and its failure, and its time less what this JVM spent paused meanwhile. */
    private void timed(ClientStats stats, Hiccups hiccups, String what, Call call) {
        long t0 = System.nanoTime();
        try {
            call.run();
            stats.sends.incrementAndGet();
        } catch (Exception e) {
            stats.errors.incrementAndGet();
            out.printf("  [garbage soak] %s failed: %s%n", what, e);
        }
        long t1 = System.nanoTime();
        long ms = (t1 - t0) / 1_000_000;
        stats.maxMs.accumulateAndGet(ms, Math::max);
        long paused = ms >= 250 ? hiccups.pausedMs(t0, t1) : 0; // shorter calls are well within the limit
        stats.maxStallMs.accumulateAndGet(ms - paused, Math::max);
        if (ms >= 250) {
            out.printf("  [garbage soak] %s took %d ms (%d ms of it with this JVM paused), begun %.1f s into the run (%s)%n",
                    what, ms, paused, (t0 - clientStart) / 1e9, phase);
        }
    }

    private static DefaultMQProducer producer(String namesrv) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("garbage-soak-producer");
        p.setNamesrvAddr(namesrv);
        p.setInstanceName("gs-p-" + System.nanoTime());
        p.setSendMsgTimeout(5000);
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        return p;
    }

    private static DefaultMQPushConsumer consumer(String namesrv, Set<Long> received) throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer("garbage-soak-consumer");
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("gs-c-" + System.nanoTime());
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(TOPIC, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.add(ByteBuffer.wrap(m.getBody()).getLong()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
