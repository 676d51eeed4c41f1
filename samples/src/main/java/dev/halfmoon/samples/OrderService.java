package dev.halfmoon.samples;

import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.JdbcOutbox;
import dev.halfmoon.client.Message;
import dev.halfmoon.client.MessageView;
import dev.halfmoon.client.TransactionListener;
import dev.halfmoon.client.TransactionOutcome;
import dev.halfmoon.client.TransactionProducer;
import dev.halfmoon.client.TransactionReceipt;
import java.sql.PreparedStatement;

/**
 * The order service on the Halfmoon client: an order row and its OrderCreated event commit
 * together through the JDBC outbox. {@code crashAfterCommit} makes this instance die right after
 * its database commit, before the broker hears the outcome.
 */
final class OrderService implements AutoCloseable {
    static final String GROUP = "order-service";

    /**
     * Thrown to play a process dying at the worst moment: an Error, which the client does not turn into an answer
     * (it answers UNKNOWN for an exception), so the broker hears nothing, as from a dead process.
     */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash after the database commit", null, false, false);
        }
    }

    private final TransactionProducer producer;

    OrderService(ClientOptions options, Database orders, JdbcOutbox outbox, boolean crashAfterCommit) {
        TransactionListener listener = outbox.listener();
        TransactionListener maybeCrashing = !crashAfterCommit ? listener : new TransactionListener() {
            @Override
            public TransactionOutcome executeLocal(Message message, Object arg) {
                listener.executeLocal(message, arg);
                throw new SimulatedCrash();
            }

            @Override
            public TransactionOutcome check(MessageView message) {
                return listener.check(message);
            }
        };
        this.producer = TransactionProducer.start(options, GROUP, maybeCrashing);
    }

    /** Inserts the order and publishes OrderCreated in one transaction. */
    TransactionReceipt place(OrderEvent order) {
        Message event = Message.builder(OrderEvent.TOPIC).body(order.toJson()).keys(order.orderId()).build();
        return producer.sendInTransaction(event, (JdbcOutbox.Work) c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO orders (order_id, sku, quantity, amount_cents) VALUES (?, ?, ?, ?)")) {
                s.setString(1, order.orderId());
                s.setString(2, order.sku());
                s.setInt(3, order.quantity());
                s.setInt(4, order.amountCents());
                s.executeUpdate();
            }
        });
    }

    @Override
    public void close() {
        producer.close();
    }
}
