package dev.halfmoon.bench;

import java.util.ArrayList;
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
 * goes to each queue, naming this wait and its queue; the wait ends when all have come back (probes of an earlier run
 * on the same topic do not count). The loads' listeners report probes and skip them ({@link #seen}).
 */
final class ConsumerReady {
    private static final String PROBE = "benchProbe";

    private ConsumerReady() {
    }

    /** Whether {@code m} is a probe (not a message of the load). */
    static boolean isProbe(MessageExt m) {
        return m.getUserProperty(PROBE) != null;
    }

    /** Records {@code m} in {@code probes} if it is a probe; whether it was (the listener then skips it). */
    static boolean seen(MessageExt m, Set<String> probes) {
        String probe = m.getUserProperty(PROBE);
        if (probe != null) {
            probes.add(probe);
        }
        return probe != null;
    }

    /**
     * Sends one probe to each queue of {@code topic} and waits until the consumer's listener has {@link #seen} them all.
     *
     * @throws IllegalStateException if that takes longer than {@code timeoutMs}
     */
    static void await(DefaultMQProducer producer, String topic, Set<String> seen, long timeoutMs) throws Exception {
        String wait = Long.toString(System.nanoTime());
        List<String> expected = new ArrayList<>();
        for (MessageQueue q : producer.fetchPublishMessageQueues(topic)) {
            String name = wait + "/" + q.getBrokerName() + "/" + q.getQueueId();
            Message probe = new Message(topic, new byte[16]);
            probe.putUserProperty(PROBE, name);
            producer.send(probe, q);
            expected.add(name);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!seen.containsAll(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer of " + topic + " received " + expected.stream()
                        .filter(seen::contains).count() + " of the " + expected.size() + " probes sent to its queues within "
                        + timeoutMs + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }
}
