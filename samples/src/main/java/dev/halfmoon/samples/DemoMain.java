package dev.halfmoon.samples;

import dev.halfmoon.broker.StandaloneMain.Standalone;
import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.client.ClientOptions;
import dev.halfmoon.client.JdbcOutbox;
import dev.halfmoon.client.TransactionReceipt;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The e-commerce demo: an order service, a payment service and an inventory service, each with its
 * own embedded SQL database, around an embedded Halfmoon. It tells what happens as it goes and
 * exits 0 only if the three services agree at the end. Run it with {@code bin/halfmoon-demo}.
 */
public final class DemoMain {
    private final PrintStream out;

    DemoMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        boolean agreed = new DemoMain(System.out).run();
        System.exit(agreed ? 0 : 1);
    }

    /** Runs the story; true if the services agree at the end. */
    boolean run() throws Exception {
        Path data = Files.createTempDirectory("halfmoon-demo");
        try (Standalone halfmoon = Standalone.start(BrokerSettings.load(Map.of("brokerIP1", "127.0.0.1",
                "bindAddress", "127.0.0.1", "listenPort", "0", "storePathRootDir", data.toString(),
                "mappedFileSizeCommitLog", Integer.toString(64 << 20), "transactionTimeOut", "2000",
                "transactionCheckInterval", "2000", "registerNameServerPeriod", "1000",
                "messageDelayLevel", "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s")), 0, Clock.systemUTC())) {
            return story(halfmoon);
        } finally {
            deleteTree(data);
        }
    }

    private boolean story(Standalone halfmoon) throws Exception {
        String broker = halfmoon.broker().address();
        out.println("Halfmoon is running: name server " + halfmoon.namesrvAddress() + ", broker " + broker
                + " (embedded, temporary data directory).");
        halfmoon.broker().httpAddress().ifPresent(http -> out.println("Its console and /metrics are at " + http
                + " while the demo runs."));
        createTopic(broker);
        ClientOptions options = ClientOptions.of(halfmoon.namesrvAddress()).withRefresh(Duration.ofMillis(500), Duration.ofMillis(500));
        Database orders = new Database("orders", "CREATE TABLE orders (order_id VARCHAR(32) PRIMARY KEY, sku VARCHAR(32), "
                + "quantity INT, amount_cents INT NOT NULL CHECK (amount_cents > 0))");
        Database payments = new Database("payments", "CREATE TABLE payments (order_id VARCHAR(32) PRIMARY KEY, "
                + "amount_cents INT, status VARCHAR(16))", "CREATE TABLE processed_events (event_id VARCHAR(64) PRIMARY KEY)");
        Database inventory = new Database("inventory", "CREATE TABLE stock (sku VARCHAR(32) PRIMARY KEY, available INT)",
                "INSERT INTO stock VALUES ('coffee', 100), ('tea', 50)",
                "CREATE TABLE reservations (order_id VARCHAR(32) PRIMARY KEY, sku VARCHAR(32), quantity INT)",
                "CREATE TABLE processed_events (event_id VARCHAR(64) PRIMARY KEY)");
        JdbcOutbox outbox = JdbcOutbox.create(orders.dataSource(), Duration.ofSeconds(5), Duration.ofDays(7));
        try (PaymentService payment = new PaymentService(options, payments, "A-1001");
             InventoryService stock = new InventoryService(options, inventory)) {
            chapter1(options, orders, outbox, payments, inventory, payment);
            chapter2(options, orders, outbox, payments);
            chapter3and4(options, orders, outbox, payments, inventory, broker);
            chapter5(halfmoon.namesrvAddress(), outbox, payments, inventory);
            return verdict(orders, payments, inventory, payment);
        } finally {
            outbox.close();
        }
    }

    private void chapter1(ClientOptions options, Database orders, JdbcOutbox outbox, Database payments, Database inventory,
                          PaymentService payment) {
        out.println();
        out.println("1. An order is committed and paid.");
        try (OrderService service = new OrderService(options, orders, outbox, false)) {
            TransactionReceipt r = service.place(new OrderEvent("A-1001", "coffee", 2, 1250));
            out.println("   The order service inserted order A-1001 and its OrderCreated event in one transaction: "
                    + r.localOutcome() + ", " + r.end() + " by the broker (transaction " + r.transactionId() + ").");
            // (still running: had the broker not confirmed the commit, its check-back would need this producer)
            waitFor("the payment and the reservation of A-1001", () -> settled(payments, inventory, "A-1001"));
        }
        out.print(payments.table("payments:", "SELECT order_id, amount_cents, status FROM payments"));
        out.println("   The payment service charged A-1001 but then answered 'retry later', so the broker will deliver the");
        out.println("   event again; its processed_events table makes the second delivery change nothing.");
        waitFor("the redelivery of A-1001", () -> payment.duplicatesIgnored.get() >= 1);
        out.println("   Redelivered and ignored: still one payment for A-1001.");
        out.print(inventory.table("inventory:", "SELECT sku, available FROM stock ORDER BY sku"));
    }

    private void chapter2(ClientOptions options, Database orders, JdbcOutbox outbox, Database payments) throws InterruptedException {
        out.println();
        out.println("2. A local transaction fails (the amount breaks a database constraint).");
        try (OrderService service = new OrderService(options, orders, outbox, false)) {
            TransactionReceipt r = service.place(new OrderEvent("B-1002", "tea", 1, -300));
            out.println("   The order row was rolled back, and so was the half message: " + r.localOutcome() + ", " + r.end()
                    + " by the broker.");
        }
        Thread.sleep(1500);
        out.println("   No service saw an OrderCreated for B-1002: payments has it? "
                + payments.ids("SELECT order_id FROM payments").contains("B-1002") + "; orders has it? "
                + orders.ids("SELECT order_id FROM orders").contains("B-1002") + ".");
    }

    private void chapter3and4(ClientOptions options, Database orders, JdbcOutbox outbox, Database payments,
                              Database inventory, String broker) {
        out.println();
        out.println("3. The order service commits order C-1003 in its database, then crashes before telling the broker.");
        OrderService doomed = new OrderService(options.withInstanceName("instance-1"), orders, outbox, true);
        try {
            doomed.place(new OrderEvent("C-1003", "coffee", 1, 625));
            throw new IllegalStateException("the simulated crash did not happen");
        } catch (OrderService.SimulatedCrash dead) {
            // as planned (a real crash would also drop the connection without saying goodbye; the broker copes alike)
        } finally {
            doomed.close();
        }
        out.println("   Instance 1 is gone. The database has C-1003; the broker holds its event as a pending transaction.");
        out.println();
        out.println("4. While C-1003 is pending, the operator's view of pending transactions shows it:");
        waitFor("C-1003's pending transaction", () -> pending(broker).stream()
                .anyMatch(t -> OrderService.GROUP.equals(t.get("producerGroup"))));
        for (Map<String, Object> t : pending(broker)) {
            out.printf("      transaction %s  group %s  topic %s  age %d ms  checks %s%n", t.get("transactionId"),
                    t.get("producerGroup"), t.get("topic"), ((Number) t.get("ageMs")).longValue(), t.get("checkCount"));
        }
        out.println("   A new instance of the order service starts. When the transaction times out, the broker asks it;");
        out.println("   its outbox table says C-1003 committed, so the broker commits the event.");
        try (OrderService restarted = new OrderService(options.withInstanceName("instance-2"), orders, outbox, false)) {
            waitFor("the payment and the reservation of C-1003", () -> settled(payments, inventory, "C-1003"));
        }
        out.println("   C-1003 is paid.");
    }

    private void chapter5(String namesrv, JdbcOutbox outbox, Database payments, Database inventory) throws Exception {
        out.println();
        out.println("5. The same order service on the official Apache RocketMQ client (the drop-in path).");
        try (RocketMqOrderService service = new RocketMqOrderService(namesrv, outbox)) {
            var r = service.place(new OrderEvent("D-1004", "tea", 3, 900));
            out.println("   TransactionMQProducer sent D-1004: " + r.getLocalTransactionState() + ".");
            // (its client sends the outcome one way: were it lost, the broker's check-back would need this producer)
            waitFor("the payment and the reservation of D-1004", () -> settled(payments, inventory, "D-1004"));
        }
        out.println("   D-1004 is paid.");
    }

    /** Whether both consumers of an order's event (separate groups, each at its own pace) have processed it. */
    private static boolean settled(Database payments, Database inventory, String orderId) {
        return payments.ids("SELECT order_id FROM payments").contains(orderId)
                && inventory.ids("SELECT order_id FROM reservations").contains(orderId);
    }

    private boolean verdict(Database orders, Database payments, Database inventory, PaymentService payment) {
        out.println();
        out.println("Do the three services agree?");
        out.print(orders.table("orders:", "SELECT order_id, sku, quantity, amount_cents FROM orders ORDER BY order_id"));
        out.print(payments.table("payments:", "SELECT order_id, amount_cents, status FROM payments ORDER BY order_id"));
        out.print(inventory.table("reservations:", "SELECT order_id, sku, quantity FROM reservations ORDER BY order_id"));
        out.print(inventory.table("stock:", "SELECT sku, available FROM stock ORDER BY sku"));
        Set<String> ordered = orders.ids("SELECT order_id FROM orders");
        Set<String> paid = payments.ids("SELECT order_id FROM payments");
        Set<String> reserved = inventory.ids("SELECT order_id FROM reservations");
        boolean agreed = ordered.equals(paid) && ordered.equals(reserved) && ordered.equals(Set.of("A-1001", "C-1003", "D-1004"));
        out.println(agreed ? "Yes: every committed order is paid and reserved exactly once, and the failed one nowhere."
                : "NO: orders " + ordered + ", payments " + paid + ", reservations " + reserved);
        return agreed;
    }

    private void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }

    private static void createTopic(String broker) {
        try (RemotingClient admin = new RemotingClient("demo-admin")) {
            RemotingCommand r = admin.invokeSync(broker, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC,
                    Map.of("topic", OrderEvent.TOPIC, "readQueueNums", "4", "writeQueueNums", "4"), null), 5000);
            if (r.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("cannot create topic: " + r.remark());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> pending(String broker) {
        try (RemotingClient admin = new RemotingClient("demo-admin")) {
            RemotingCommand r = admin.invokeSync(broker, RemotingCommand.request(RequestCode.HM_LIST_PENDING_TRANSACTIONS,
                    Map.of(), null), 5000);
            if (r.code() != ResponseCode.SUCCESS) {
                throw new IllegalStateException("cannot list pending transactions: " + r.code() + " " + r.remark());
            }
            return (List<Map<String, Object>>) Json.decode(r.body(), Map.class).get("transactions");
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
