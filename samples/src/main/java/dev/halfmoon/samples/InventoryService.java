package dev.halfmoon.samples;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.ConsumeResult;
import dev.halfmoon.client.PushConsumer;
import java.sql.PreparedStatement;
import java.time.Duration;

/** Reserves stock for each created order once: a redelivered OrderCreated changes nothing. */
final class InventoryService implements AutoCloseable {
    private final PushConsumer consumer;

    InventoryService(ClientOptions options, Database inventory) {
        consumer = PushConsumer.builder(options, "inventory-service").subscribe(OrderEvent.TOPIC, "*")
                .rebalanceInterval(Duration.ofMillis(500))
                .handler(message -> {
                    OrderEvent order = OrderEvent.fromJson(message.body());
                    inventory.once(message.messageId(), c -> {
                        try (PreparedStatement reserve = c.prepareStatement(
                                "INSERT INTO reservations (order_id, sku, quantity) VALUES (?, ?, ?)");
                             PreparedStatement stock = c.prepareStatement(
                                     "UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?")) {
                            reserve.setString(1, order.orderId());
                            reserve.setString(2, order.sku());
                            reserve.setInt(3, order.quantity());
                            reserve.executeUpdate();
                            stock.setInt(1, order.quantity());
                            stock.setString(2, order.sku());
                            stock.setInt(3, order.quantity());
                            if (stock.executeUpdate() != 1) { // rolled back with the reservation; delivered again, then
                                throw new IllegalStateException("not enough " + order.sku() // to the dead letters
                                        + " in stock for order " + order.orderId());
                            }
                        }
                    });
                    return ConsumeResult.SUCCESS;
                }).start();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
