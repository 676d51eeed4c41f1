package dev.halfmoon.samples;

import dev.halfmoon.client.JdbcOutbox;
import dev.halfmoon.client.TransactionOutcome;
import java.sql.PreparedStatement;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The same order service written against the official Apache RocketMQ client: only the name
 * server address points at Halfmoon. It reuses the JDBC outbox for its local transactions.
 */
final class RocketMqOrderService implements AutoCloseable {
    private final TransactionMQProducer producer;

    RocketMqOrderService(String namesrv, JdbcOutbox outbox) throws MQClientException {
        producer = new TransactionMQProducer("order-service-rocketmq");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("demo-rocketmq-" + System.nanoTime());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                OrderEvent order = (OrderEvent) arg;
                return state(outbox.run(msg.getTransactionId(), c -> {
                    try (PreparedStatement s = c.prepareStatement(
                            "INSERT INTO orders (order_id, sku, quantity, amount_cents) VALUES (?, ?, ?, ?)")) {
                        s.setString(1, order.orderId());
                        s.setString(2, order.sku());
                        s.setInt(3, order.quantity());
                        s.setInt(4, order.amountCents());
                        s.executeUpdate();
                    }
                }));
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return state(outbox.check(msg.getTransactionId(), msg.getBornTimestamp()));
            }
        });
        producer.start();
    }

    private static LocalTransactionState state(TransactionOutcome outcome) {
        return switch (outcome) {
            case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
            case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
            case UNKNOWN -> LocalTransactionState.UNKNOW;
        };
    }

    TransactionSendResult place(OrderEvent order) throws MQClientException {
        Message m = new Message(OrderEvent.TOPIC, order.toJson());
        m.setKeys(order.orderId());
        return producer.sendMessageInTransaction(m, order);
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
