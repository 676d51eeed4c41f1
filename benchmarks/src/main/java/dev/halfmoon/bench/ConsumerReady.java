package dev.halfmoon.bench;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Waits until a freshly started push consumer pulls every queue of its topic, so that the measured sends do not wait
 * for the consumer's own start (route look-up, rebalance, first pulls: about 100 ms on the 2-core VM, in which the
 * first sends' messages waited and made up most of the end-to-end p99 sample, against either broker). A probe message
 * goes to each queue; the wait ends when all have come back. The loads' listeners skip probes ({@link #isProbe}).
 */
final class ConsumerReady {
    private static final String PROBE_TAG = "bench-probe";

    private ConsumerReady() {
    }

    static boolean isProbe(MessageExt m) {
        return PROBE_TAG.equals(m.getTags());
    }

    /**
     * Sends one probe to each queue of {@code topic} and waits until the consumer's listener has put each queue's id in
     * {@code probed}.
     *
     * @throws IllegalStateException if that takes longer than {@code timeoutMs}
     */
    static void await(DefaultMQProducer producer, String topic, Set<Integer> probed, long timeoutMs) throws Exception {
        List<MessageQueue> queues = producer.fetchPublishMessageQueues(topic);
        for (MessageQueue q : queues) {
            producer.send(new Message(topic, PROBE_TAG, new byte[16]), q);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (probed.size() < queues.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer of " + topic + " received probes from " + probed.size()
                        + " of its " + queues.size() + " queues within " + timeoutMs + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
