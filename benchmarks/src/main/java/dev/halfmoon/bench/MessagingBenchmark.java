package dev.halfmoon.bench;

import dev.halfmoon.testkit.HalfmoonProcess;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Plain messaging through the official RocketMQ 4.9.8 client: N producer threads send 1 KiB
 * messages synchronously, one push consumer group receives them; prints send throughput and
 * end-to-end latency (send start to receipt) percentiles for each flush mode.
 */
@Command(name = "messaging", mixinStandardHelpOptions = true,
        description = "Send throughput and end-to-end latency through the official RocketMQ client, ASYNC_FLUSH and SYNC_FLUSH.")
public final class MessagingBenchmark implements Callable<Integer> {
    @Option(names = "--namesrv", description = "Use this running Halfmoon (or RocketMQ) instead of starting one per flush mode.")
    String namesrv;

    @Option(names = "--broker", description = "Broker address to create the topic on (with --namesrv).")
    String broker;

    @Option(names = "--messages", defaultValue = "50000", description = "Messages per flush mode (default ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--producers", defaultValue = "4", description = "Producer threads (default ${DEFAULT-VALUE}).")
    int producers;

    @Option(names = "--size", defaultValue = "1024", description = "Body bytes (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--flush", split = ",", defaultValue = "ASYNC_FLUSH,SYNC_FLUSH", description = "Flush modes to run.")
    List<String> modes;

    @Override
    public Integer call() throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        List<String[]> rows = new ArrayList<>();
        for (String mode : namesrv != null ? List.of("as configured") : modes) {
            Path dir = Files.createTempDirectory("halfmoon-bench-msg");
            try {
                if (namesrv != null) {
                    rows.add(run(mode, namesrv, broker));
                } else {
                    try (HalfmoonProcess p = HalfmoonProcess.start(dir, List.of("flushDiskType=" + mode))) {
                        rows.add(run(mode, p.namesrv(), p.broker()));
                    }
                }
            } finally {
                LogBenchmark.deleteTree(dir);
            }
        }
        System.out.printf("%n%-14s %12s %12s %12s %12s %10s%n", "flush", "send msg/s", "e2e p50 ms", "e2e p99 ms",
                "send p99 ms", "received");
        for (String[] r : rows) {
            System.out.printf("%-14s %12s %12s %12s %12s %10s%n", (Object[]) r);
        }
        return 0;
    }

    private String[] run(String mode, String ns, String brokerAddr) throws Exception {
        String topic = "BenchTopic";
        if (brokerAddr != null) {
            BenchTopics.create(brokerAddr, ns, topic);
        }
        System.out.printf("[%s] %d messages of %d bytes from %d producers%n", mode, messages, size, producers);
        Latencies e2e = new Latencies(messages);
        Latencies send = new Latencies(messages);
        AtomicInteger received = new AtomicInteger();
        long base = System.nanoTime();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench-consumer-" + System.nanoTime());
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("bench-c-" + System.nanoTime());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setConsumeMessageBatchMaxSize(32);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.nanoTime();
            for (MessageExt m : msgs) {
                ByteBuffer b = ByteBuffer.wrap(m.getBody());
                int id = b.getInt();
                e2e.record(id, (now - base - b.getLong()) / 1000);
                received.incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        DefaultMQProducer producer = new DefaultMQProducer("bench-producer");
        producer.setNamesrvAddr(ns);
        producer.setInstanceName("bench-p-" + System.nanoTime());
        producer.setSendMsgTimeout(10_000);
        producer.start();
        try {
            producer.send(new Message(topic, body(-1, base)));
            AtomicInteger next = new AtomicInteger();
            AtomicLong failed = new AtomicLong();
            Progress progress = new Progress(mode + " send", messages, "msgs");
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
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Progress drain = new Progress(mode + " receive", messages, "msgs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < messages + 1 && System.nanoTime() < deadline) {
                drain.update(received.get());
                TimeUnit.MILLISECONDS.sleep(20);
            }
            return new String[] {mode, String.format("%,.0f", messages / seconds), ms(e2e.percentile(50)),
                    ms(e2e.percentile(99)), ms(send.percentile(99)), e2e.count() + (failed.get() > 0 ? " (" + failed.get() + " failed)" : "")};
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    private byte[] body(int id, long base) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 12));
        b.putInt(id).putLong(System.nanoTime() - base);
        return b.array();
    }

    private static String ms(long micros) {
        return micros < 0 ? "-" : String.format("%.2f", micros / 1000.0);
    }
}
