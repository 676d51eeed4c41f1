package dev.halfmoon.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The plain-messaging load, the same against any broker that speaks the RocketMQ protocol:
 * {@code producers} threads send N messages synchronously through the official client, one push
 * consumer group receives them. Not thread-safe; one run per instance.
 */
final class MessagingLoad {
    private final String namesrv;
    private final String broker;
    private final int messages;
    private final int producers;
    private final int size;

    /** The topic used when no broker address is given to create one on. */
    static final String EXISTING_TOPIC = "BenchTopic";

    MessagingLoad(String namesrv, String broker, int messages, int producers, int size) {
        this.namesrv = namesrv;
        this.broker = broker;
        this.messages = messages;
        this.producers = producers;
        this.size = size;
    }

    MsgReport run(String label) throws Exception {
        // a fresh topic when we can create it, else one the user created beforehand
        String topic = broker != null ? "BenchMsg" + System.nanoTime() % 100000 : EXISTING_TOPIC;
        if (broker != null) {
            BenchTopics.create(broker, namesrv, topic);
        }
        Latencies e2e = new Latencies(messages);
        Latencies send = new Latencies(messages);
        AtomicInteger received = new AtomicInteger();
        long base = System.nanoTime();
        Set<String> probed = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer(topic, base, e2e, received, probed);
        DefaultMQProducer producer = new DefaultMQProducer("bench-producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("bench-p-" + System.nanoTime());
        producer.setSendMsgTimeout(10_000);
        producer.start();
        try {
            // (a topic made before may hold earlier runs' messages, which this fresh group reads first)
            ConsumerReady.await(producer, topic, probed, broker != null ? 30_000 : 300_000);
            AtomicLong failed = new AtomicLong();
            double seconds = send(label, topic, producer, base, send, failed);
            Progress drain = new Progress(label + " receive", messages, "msgs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < messages && System.nanoTime() < deadline) {
                drain.update(received.get());
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return new MsgReport(messages, messages / seconds, e2e.percentile(50) / 1000.0, e2e.percentile(99) / 1000.0,
                    e2e.percentile(100) / 1000.0, send.percentile(99) / 1000.0, e2e.count(), failed.get());
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    private double send(String label, String topic, DefaultMQProducer producer, long base, Latencies send, AtomicLong failed)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        Progress progress = new Progress(label + " send", messages, "msgs");
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Thread thread = new Thread(() -> {
                for (int id; (id = next.getAndIncrement()) < messages; ) {
                    long t0 = System.nanoTime();
                    try {
                        if (producer.send(new Message(topic, body(id, base))).getSendStatus() != SendStatus.SEND_OK) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    send.record(id, (System.nanoTime() - t0) / 1000);
                    progress.update(id);
                }
            }, "msg-producer-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private DefaultMQPushConsumer consumer(String topic, long base, Latencies e2e, AtomicInteger received, Set<String> probed)
            throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer("bench-consumer-" + System.nanoTime());
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("bench-c-" + System.nanoTime());
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeMessageBatchMaxSize(32);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.nanoTime();
            for (MessageExt m : msgs) {
                if (ConsumerReady.seen(m, probed)) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.wrap(m.getBody());
                int id = b.getInt();
                e2e.record(id, (now - base - b.getLong()) / 1000);
                received.incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    private byte[] body(int id, long base) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 12));
        b.putInt(id).putLong(System.nanoTime() - base);
        return b.array();
    }
}
