package dev.halfmoon.samples;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.ConsumeResult;
import dev.halfmoon.client.PushConsumer;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Charges each created order once: a redelivered OrderCreated changes nothing (processed_events).
 * For the demo it loses its acknowledgement once, right after charging {@code loseAckOnce}, so the
 * broker delivers that event again.
 */
final class PaymentService implements AutoCloseable {
    private final PushConsumer consumer;
    final AtomicInteger duplicatesIgnored = new AtomicInteger();
    private final java.util.Set<String> loseAck = java.util.concurrent.ConcurrentHashMap.newKeySet();

    PaymentService(ClientOptions options, Database payments, String loseAckOnce) {
        loseAck.add(loseAckOnce);
        consumer = PushConsumer.builder(options, "payment-service").subscribe(OrderEvent.TOPIC, "*")
                .rebalanceInterval(Duration.ofMillis(500))
                .handler(message -> {
                    OrderEvent order = OrderEvent.fromJson(message.body());
                    boolean first = payments.once(message.messageId(), c -> {
                        try (PreparedStatement s = c.prepareStatement(
                                "INSERT INTO payments (order_id, amount_cents, status) VALUES (?, ?, 'PAID')")) {
                            s.setString(1, order.orderId());
                            s.setInt(2, order.amountCents());
                            s.executeUpdate();
                        }
                    });
                    if (!first) {
                        duplicatesIgnored.incrementAndGet();
                    }
                    return first && loseAck.remove(order.orderId()) ? ConsumeResult.RETRY_LATER : ConsumeResult.SUCCESS;
                }).start();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
