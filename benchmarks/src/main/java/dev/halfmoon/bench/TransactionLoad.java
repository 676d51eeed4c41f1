package dev.halfmoon.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The transaction load, the same against any broker that speaks the RocketMQ protocol: N
 * transactions from {@code producers} threads through the official {@link TransactionMQProducer},
 * random bodies, 90 % commit / 5 % rollback / 5 % unknown (answered COMMIT on check-back), and a
 * push consumer in a fresh group counting every key. Not thread-safe; one run per instance.
 */
final class TransactionLoad {
    private final String namesrv;
    private final String broker;
    private final int transactions;
    private final int producers;
    private final int size;
    private final long timeoutMs;

    TransactionLoad(String namesrv, String broker, int transactions, int producers, int size, long timeoutMs) {
        this.namesrv = namesrv;
        this.broker = broker;
        this.transactions = transactions;
        this.producers = producers;
        this.size = size;
        this.timeoutMs = timeoutMs;
    }

    /** 0 commit, 1 rollback, 2 unknown: 90 / 5 / 5 by id. */
    static int outcome(int id) {
        int m = id % 20;
        return m == 0 ? 1 : m == 1 ? 2 : 0;
    }

    TxReport run(String label, long rssPid, long startMs) throws Exception {
        String topic = "BenchTx" + System.nanoTime() % 100000;
        BenchTopics.create(broker, namesrv, topic);
        long base = System.nanoTime();
        AtomicLongArray sentAt = new AtomicLongArray(transactions);
        AtomicLongArray firstCheck = new AtomicLongArray(transactions);
        Latencies e2e = new Latencies(transactions);
        Map<Integer, Integer> received = new ConcurrentHashMap<>();
        AtomicLong deliveries = new AtomicLong();
        AtomicLong lastCommitted = new AtomicLong(); // when the last message committed on send was first delivered
        Set<String> probed = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer(topic, base, e2e, received, deliveries, lastCommitted, probed);
        TransactionMQProducer producer = producer(topic, base, firstCheck);
        try {
            ConsumerReady.await(producer, topic, probed, 30_000);
            long sendStart = System.nanoTime() - base;
            double seconds = send(label, topic, producer, base, sentAt);
            int expected = 0;
            for (int i = 0; i < transactions; i++) {
                expected += outcome(i) == 1 ? 0 : 1;
            }
            Progress drain = new Progress(label + " receive", expected, "msgs");
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs * 4 + 60_000);
            while (countExpected(received) < expected && System.nanoTime() < deadline) {
                drain.update(countExpected(received));
                TimeUnit.MILLISECONDS.sleep(50);
            }
            TimeUnit.SECONDS.sleep(1);
            double completed = (lastCommitted.get() - sendStart) / 1e9;
            return report(seconds, completed, e2e, sentAt, firstCheck, received, expected, rssPid, startMs,
                    deliveries.get());
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    private double send(String label, String topic, TransactionMQProducer producer, long base, AtomicLongArray sentAt)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        Progress progress = new Progress(label + " send", transactions, "tx");
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Random random = new Random(t);
            Thread thread = new Thread(() -> {
                for (int id; (id = next.getAndIncrement()) < transactions; ) {
                    byte[] body = new byte[Math.max(size, 12)];
                    random.nextBytes(body);
                    long now = System.nanoTime() - base;
                    ByteBuffer.wrap(body).putInt(id).putLong(now);
                    sentAt.set(id, now);
                    try {
                        producer.sendMessageInTransaction(new Message(topic, body), null);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    progress.update(id);
                }
            }, "tx-producer-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failed.get() > 0) {
            System.out.printf("  [%s] %d sends failed%n", label, failed.get());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private TransactionMQProducer producer(String topic, long base, AtomicLongArray firstCheck) throws Exception {
        TransactionMQProducer p = new TransactionMQProducer("bench-tx-producer");
        p.setNamesrvAddr(namesrv);
        p.setInstanceName("bench-tx-" + System.nanoTime());
        p.setSendMsgTimeout(10_000);
        p.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                int o = outcome(ByteBuffer.wrap(msg.getBody()).getInt());
                return o == 0 ? LocalTransactionState.COMMIT_MESSAGE
                        : o == 1 ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.UNKNOW;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                int id = ByteBuffer.wrap(msg.getBody()).getInt();
                if (id >= 0 && id < transactions && topic.equals(msg.getTopic())) { // (not a warm-up's, same group)
                    firstCheck.compareAndSet(id, 0, System.nanoTime() - base);
                }
                return outcome(id) == 1 ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        p.start();
        return p;
    }

    private DefaultMQPushConsumer consumer(String topic, long base, Latencies e2e, Map<Integer, Integer> received,
                                           AtomicLong deliveries, AtomicLong lastCommitted, Set<String> probed)
            throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer("bench-tx-consumer-" + System.nanoTime());
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("bench-txc-" + System.nanoTime());
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeMessageBatchMaxSize(32);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.nanoTime() - base;
            if (!ConsumerReady.isProbe(msgs.get(0))) {
                deliveries.incrementAndGet();
            }
            for (MessageExt m : msgs) {
                if (ConsumerReady.seen(m, probed)) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(m.getBody());
                int id = b.getInt();
                long sent = b.getLong();
                if (received.merge(id, 1, Integer::sum) == 1 && outcome(id) == 0) {
                    e2e.record(id, (now - sent) / 1000);
                    lastCommitted.accumulateAndGet(now, Math::max);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    private int countExpected(Map<Integer, Integer> received) {
        int n = 0;
        for (Integer id : received.keySet()) {
            n += outcome(id) == 1 ? 0 : 1;
        }
        return n;
    }

    private TxReport report(double seconds, double completed, Latencies e2e, AtomicLongArray sentAt,
                            AtomicLongArray firstCheck, Map<Integer, Integer> received, int expected, long rssPid,
                            long startMs, long deliveries) {
        Latencies checkDelay = new Latencies(transactions);
        int early = 0;
        for (int i = 0; i < transactions; i++) {
            if (outcome(i) == 2 && firstCheck.get(i) > 0) {
                // the broker's deadline runs from when it stored the half, after the send began: from the send's
                // start, a delay is at most the send's time too long, never too short
                long deadline = sentAt.get(i) + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
                early += firstCheck.get(i) < deadline - TimeUnit.MILLISECONDS.toNanos(1) ? 1 : 0; // (ms clocks)
                checkDelay.record(i, Math.max(0, firstCheck.get(i) - deadline) / 1000);
            }
        }
        if (early > 0) {
            System.out.printf("  %d transactions were checked back before their %d ms deadline%n", early, timeoutMs);
        }
        long rolledBack = 0;
        long duplicates = 0;
        for (Map.Entry<Integer, Integer> e : received.entrySet()) {
            rolledBack += outcome(e.getKey()) == 1 ? 1 : 0;
            duplicates += e.getValue() - 1;
        }
        long missing = expected - countExpected(received);
        return new TxReport(transactions, transactions / seconds, missing == 0 ? transactions / completed : Double.NaN,
                e2e.percentile(50) / 1000.0, e2e.percentile(99) / 1000.0,
                e2e.percentile(100) / 1000.0, checkDelay.percentile(50) / 1000.0, checkDelay.percentile(99) / 1000.0,
                missing, rolledBack, duplicates, rssPid > 0 ? Rss.mib(rssPid) : -1, startMs,
                deliveries == 0 ? 0 : received.values().stream().mapToLong(Integer::longValue).sum() / (double) deliveries);
    }
}
