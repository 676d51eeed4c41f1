package dev.halfmoon.bench.soak;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonProcess;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Kills a Halfmoon broker process with SIGKILL at random moments while official-client producers
 * run transactions (SYNC_FLUSH), restarts it on the same data each time, then drains and checks:
 * every acknowledged commit delivered, no rolled-back message delivered, no message stored twice,
 * and the pending set equal to the transactions the producers left undecided. Not thread-safe; one
 * run per instance.
 */
public final class CrashSoak {
    /** What a transaction's id says it should become. */
    enum Fate { COMMIT, ROLLBACK, UNKNOWN_THEN_COMMIT, UNKNOWN_THEN_ROLLBACK, FOREVER_UNKNOWN }

    static final String TOPIC = "SoakOrders";
    static final List<String> SETTINGS = List.of("flushDiskType=SYNC_FLUSH", "transactionTimeOut=1500",
            "transactionCheckInterval=1000", "transactionCheckMax=1000", "registerNameServerPeriod=1000",
            "mappedFileSizeCommitLog=" + (32 << 20));

    private final Path dataDir;
    private final int cycles;
    private final int producers;
    private final Random random;
    private final PrintStream out;
    private final Map<Integer, String> executed = new ConcurrentHashMap<>();
    private final Map<Integer, Set<String>> delivered = new ConcurrentHashMap<>();
    private final AtomicInteger deliveries = new AtomicInteger();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger failedSends = new AtomicInteger();
    /** Transactions whose outcome was sent on send but which were checked back all the same: their END was lost. */
    private final Set<Integer> endsLost = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** After a restart the broker must acknowledge transactions again within this long. */
    static final int SERVES_AGAIN_S = 30;
    private int stalledCycles;
    private int quickKills;

    public CrashSoak(Path dataDir, int cycles, int producers, long seed, PrintStream out) {
        this.dataDir = dataDir;
        this.cycles = cycles;
        this.producers = producers;
        this.random = new Random(seed);
        this.out = out;
    }

    static Fate fate(int id) {
        int m = id % 20;
        return m < 14 ? Fate.COMMIT : m < 16 ? Fate.ROLLBACK : m < 18 ? Fate.UNKNOWN_THEN_COMMIT
                : m < 19 ? Fate.UNKNOWN_THEN_ROLLBACK : Fate.FOREVER_UNKNOWN;
    }

    /** Runs the soak; the report says whether every check held. */
    public SoakReport run() throws Exception {
        long begin = System.nanoTime();
        HalfmoonProcess broker = HalfmoonProcess.start(dataDir, SETTINGS);
        int nsPort = broker.namesrvPort();
        int brokerPort = broker.brokerPort();
        AtomicBoolean sending = new AtomicBoolean(true);
        TransactionMQProducer producer = null;
        DefaultMQPushConsumer consumer = null;
        try {
            dev.halfmoon.bench.BenchTopics.create(broker.broker(), broker.namesrv(), TOPIC);
            producer = producer(broker.namesrv());
            consumer = consumer(broker.namesrv());
            List<Thread> threads = startSending(producer, sending);
            for (int c = 1; c <= cycles; c++) {
                TimeUnit.MILLISECONDS.sleep(1000 + random.nextInt(3000));
                int before = nextId.get();
                broker.kill();
                out.printf("  [crash soak] cycle %d/%d: SIGKILL after %,d transactions started%n", c, cycles, before);
                broker = HalfmoonProcess.start(dataDir, nsPort, brokerPort, SETTINGS);
                out.printf("  [crash soak] cycle %d/%d: restarted in %d ms%n", c, cycles, broker.startMillis());
                if (random.nextInt(4) == 0) { // now and then a second crash while the first's recovery is fresh
                    TimeUnit.MILLISECONDS.sleep(random.nextInt(300));
                    broker.kill();
                    quickKills++;
                    broker = HalfmoonProcess.start(dataDir, nsPort, brokerPort, SETTINGS);
                    out.printf("  [crash soak] cycle %d/%d: killed again just after it became routable; restarted in %d ms%n",
                            c, cycles, broker.startMillis());
                }
                if (!servesAgain()) {
                    stalledCycles++;
                    out.printf("  [crash soak] cycle %d/%d: no transaction acknowledged within %d s of the restart%n", c,
                            cycles, SERVES_AGAIN_S);
                }
            }
            TimeUnit.SECONDS.sleep(1);
            sending.set(false);
            for (Thread t : threads) {
                t.join(30_000);
                if (t.isAlive()) {
                    throw new IllegalStateException(t.getName() + " still sending 30 s after the last cycle; the counts would move");
                }
            }
            return drainAndCheck(broker, (System.nanoTime() - begin) / 1_000_000);
        } finally {
            sending.set(false);
            if (producer != null) {
                producer.shutdown();
            }
            if (consumer != null) {
                consumer.shutdown();
            }
            broker.close();
        }
    }

    private List<Thread> startSending(TransactionMQProducer producer, AtomicBoolean sending) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Thread thread = new Thread(() -> {
                while (sending.get()) {
                    int id = nextId.getAndIncrement();
                    try {
                        TransactionSendResult r = producer.sendMessageInTransaction(new Message(TOPIC, body(id)), null);
                        if (executed.containsKey(id)) {
                            executed.put(id, r.getTransactionId() == null ? r.getMsgId() : r.getTransactionId());
                        }
                    } catch (Exception e) {
                        failedSends.incrementAndGet();
                        sleepQuietly(100);
                    }
                }
            }, "soak-producer-" + t);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    private SoakReport drainAndCheck(HalfmoonProcess broker, long elapsedMs) throws InterruptedException {
        Set<Integer> mustDeliver = new TreeSet<>();
        Set<String> mustStayPending = new TreeSet<>();
        executed.forEach((id, txId) -> {
            Fate f = fate(id);
            if (f == Fate.COMMIT || f == Fate.UNKNOWN_THEN_COMMIT) {
                mustDeliver.add(id);
            } else if (f == Fate.FOREVER_UNKNOWN) {
                mustStayPending.add(txId);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Set<String> pending = Set.of();
        while (System.nanoTime() < deadline) {
            pending = pendingIds(broker);
            if (delivered.keySet().containsAll(mustDeliver) && pending.equals(mustStayPending)) {
                break;
            }
            out.printf("  [crash soak] draining: %,d / %,d commits delivered, %,d pending (%,d expected)%n",
                    mustDeliver.stream().filter(delivered::containsKey).count(), mustDeliver.size(), pending.size(),
                    mustStayPending.size());
            TimeUnit.SECONDS.sleep(2);
        }
        TimeUnit.SECONDS.sleep(1);
        out.printf("  [crash soak] %,d transactions whose outcome was sent with their half were checked back: the kills "
                + "caught them between half and END%n", endsLost.size());
        Set<Integer> audited = audit(broker, mustDeliver);
        long auditMissing = mustDeliver.stream().filter(id -> !audited.contains(id)).count();
        long auditWrong = audited.stream().filter(id -> !mustDeliver.contains(id)).count();
        long missing = mustDeliver.stream().filter(id -> !delivered.containsKey(id)).count();
        long wrong = delivered.keySet().stream().filter(id -> !mustDeliver.contains(id)).count();
        long duplicates = delivered.values().stream().mapToLong(copies -> copies.size() - 1).sum();
        delivered.entrySet().stream().filter(e -> e.getValue().size() > 1).limit(5)
                .forEach(e -> out.printf("  [crash soak] transaction %d stored at %s%n", e.getKey(), e.getValue()));
        Set<String> unexpectedPending = new TreeSet<>(pending);
        unexpectedPending.removeAll(mustStayPending);
        Set<String> lostPending = new TreeSet<>(mustStayPending);
        lostPending.removeAll(pending);
        return new SoakReport(cycles, quickKills, stalledCycles, nextId.get(), failedSends.get(), executed.size(), mustDeliver.size(),
                missing, wrong, duplicates, deliveries.get() - delivered.size(), auditMissing, auditWrong,
                mustStayPending.size(), pending.size(), unexpectedPending.size(), lostPending.size(), elapsedMs);
    }

    /** Whether transactions are acknowledged again within {@value #SERVES_AGAIN_S} s of a restart (the broker serves). */
    private boolean servesAgain() throws InterruptedException {
        int before = executed.size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SERVES_AGAIN_S);
        while (System.nanoTime() < deadline) {
            if (executed.size() >= before + 10) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    /**
     * What the log holds now, read by a consumer group that never saw anything (from the first offset, after the last
     * restart): the ids of the messages on the topic. A message delivered once and lost by a later recovery would be
     * missing here though the long-lived consumer saw it.
     */
    private Set<Integer> audit(HalfmoonProcess broker, Set<Integer> mustDeliver) throws InterruptedException {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer auditor = null;
        try {
            auditor = consumer(broker.namesrv(), "soak-audit", (id, m) -> seen.add(id));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !seen.containsAll(mustDeliver)) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            TimeUnit.SECONDS.sleep(1);
            out.printf("  [crash soak] audit: a fresh group read %,d messages from the log%n", seen.size());
        } catch (Exception e) {
            out.printf("  [crash soak] audit consumer failed: %s%n", e);
        } finally {
            if (auditor != null) {
                auditor.shutdown();
            }
        }
        return seen;
    }

    private static Set<String> pendingIds(HalfmoonProcess broker) {
        try {
            return Admin.pendingTransactionIds(broker.broker());
        } catch (RuntimeException e) {
            return Set.of("(unreachable: " + e.getMessage() + ")");
        }
    }

    private TransactionMQProducer producer(String namesrv) throws Exception {
        TransactionMQProducer p = new TransactionMQProducer("soak-producer");
        p.setNamesrvAddr(namesrv);
        p.setInstanceName("soak-p-" + System.nanoTime());
        p.setSendMsgTimeout(3000);
        p.setPollNameServerInterval(500);
        p.setHeartbeatBrokerInterval(1000);
        p.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                int id = ByteBuffer.wrap(msg.getBody()).getInt();
                executed.put(id, msg.getTransactionId() != null ? msg.getTransactionId() : "?");
                return switch (fate(id)) {
                    case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
                    case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
                    default -> LocalTransactionState.UNKNOW;
                };
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                int id = ByteBuffer.wrap(msg.getBody()).getInt();
                if (!executed.containsKey(id)) {
                    return LocalTransactionState.ROLLBACK_MESSAGE;
                }
                if (fate(id) == Fate.COMMIT || fate(id) == Fate.ROLLBACK) {
                    endsLost.add(id); // (a kill between its half and its END, or its END in flight: what the soak is for)
                }
                return switch (fate(id)) {
                    case COMMIT, UNKNOWN_THEN_COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
                    case ROLLBACK, UNKNOWN_THEN_ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
                    case FOREVER_UNKNOWN -> LocalTransactionState.UNKNOW;
                };
            }
        });
        p.start();
        return p;
    }

    private DefaultMQPushConsumer consumer(String namesrv) throws Exception {
        return consumer(namesrv, "soak-consumer", (id, m) -> {
            delivered.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(m.getQueueId() + "@" + m.getQueueOffset()
                    + "#" + m.getCommitLogOffset() + "/" + m.getReconsumeTimes());
            deliveries.incrementAndGet();
        });
    }

    private DefaultMQPushConsumer consumer(String namesrv, String group, java.util.function.BiConsumer<Integer, MessageExt> seen)
            throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("soak-c-" + System.nanoTime());
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setPollNameServerInterval(500);
        c.setHeartbeatBrokerInterval(1000);
        c.setPullTimeDelayMillsWhenException(200);
        c.subscribe(TOPIC, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                seen.accept(ByteBuffer.wrap(m.getBody()).getInt(), m);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    private static byte[] body(int id) {
        return ByteBuffer.allocate(256).putInt(id).putLong(System.nanoTime()).array();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
