package dev.halfmoon.interop;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ordered messages: one key's messages in one queue, consumed in send order, also while a second consumer joins. */
@Timeout(120)
class OrderedTest {
    @TempDir
    Path dir;
    HalfmoonFixture halfmoon;
    final List<Runnable> closers = new ArrayList<>();

    @AfterEach
    void stop() {
        closers.forEach(Runnable::run);
        halfmoon.close();
    }

    /** An orderly consumer recording, per order, the steps in the order it saw them. */
    private Map<Integer, List<Integer>> member(String group) throws Exception {
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(halfmoon.namesrv(), group);
        c.subscribe("OrderSteps", "*");
        c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String[] parts = new String(m.getBody(), StandardCharsets.UTF_8).split(":");
                seen.computeIfAbsent(Integer.parseInt(parts[0]), k -> new CopyOnWriteArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        c.start();
        closers.add(0, c::shutdown);
        return seen;
    }

    @Test
    void eachOrdersStepsArriveInSendOrderAcrossARebalance() throws Exception {
        halfmoon = new HalfmoonFixture(dir).start();
        Admin.createTopic(halfmoon, "OrderSteps", 4);
        DefaultMQProducer producer = Clients.producer(halfmoon.namesrv(), "PG-ordered");
        producer.start();
        closers.add(producer::shutdown);
        MessageQueueSelector byOrder = (queues, msg, arg) -> queues.get((Integer) arg % queues.size());
        List<Map<Integer, List<Integer>>> members = new ArrayList<>();
        members.add(member("CG-ordered"));
        int orders = 20;
        int steps = 30;
        for (int step = 0; step < steps; step++) {
            for (int order = 0; order < orders; order++) {
                producer.send(new Message("OrderSteps", (order + ":" + step).getBytes()), byOrder, order);
            }
            if (step == steps / 3) {
                members.add(member("CG-ordered"));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> everyStepSeen(members, orders, steps));
        for (Map<Integer, List<Integer>> member : members) {
            member.forEach(OrderedTest::assertInOrder);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !members.get(1).isEmpty() || sendMore(producer, byOrder, orders));
        assertTrue(!members.get(1).isEmpty(), "the second member never got a queue");
    }

    private static boolean sendMore(DefaultMQProducer producer, MessageQueueSelector byOrder, int orders) throws Exception {
        for (int order = 0; order < orders; order++) {
            producer.send(new Message("OrderSteps", (order + ":" + 1000).getBytes()), byOrder, order);
        }
        return false;
    }

    private static boolean everyStepSeen(List<Map<Integer, List<Integer>>> members, int orders, int steps) {
        for (int order = 0; order < orders; order++) {
            java.util.Set<Integer> union = new java.util.HashSet<>();
            for (Map<Integer, List<Integer>> m : members) {
                union.addAll(m.getOrDefault(order, List.of()));
            }
            for (int step = 0; step < steps; step++) {
                if (!union.contains(step)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Within one member an order's steps never go backwards (a queue handed over may repeat its last steps). */
    static void assertInOrder(int order, List<Integer> steps) {
        for (int i = 1; i < steps.size(); i++) {
            assertTrue(steps.get(i) >= steps.get(i - 1) || steps.get(i) < steps.get(i - 1) && isReplay(steps, i),
                    "order " + order + " out of order: " + steps);
        }
    }

    /** A step lower than its predecessor is allowed only as the start of a replay of steps already seen, in order. */
    private static boolean isReplay(List<Integer> steps, int i) {
        return steps.subList(0, i).contains(steps.get(i));
    }
}
