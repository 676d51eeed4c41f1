package dev.halfmoon.client;

import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingException;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.ProducerData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends messages: synchronously, asynchronously, oneway, in batches, in order by key, or delayed.
 * A send that fails for a reason another broker might not have (unavailable, busy, no permission,
 * timed out) is retried on the next queue, preferably on another broker, with a doubling backoff.
 * Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (Producer producer = Producer.start(ClientOptions.of("127.0.0.1:9876"), "orders")) {
 *     SendReceipt receipt = producer.send(Message.builder("OrderCreated").body(bytes).keys("order-42").build());
 *     producer.send(message, "customer-7");            // same key, same queue, kept in order
 *     producer.sendAsync(message).thenAccept(r -> log.info("stored {}", r.messageId()));
 * }
 * }</pre>
 */
public class Producer implements AutoCloseable {
    private static final Set<Integer> RETRYABLE = Set.of(ResponseCode.SYSTEM_ERROR, ResponseCode.SYSTEM_BUSY,
            ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.NO_PERMISSION, ResponseCode.TOPIC_NOT_EXIST);
    /**
     * Refusals after which nothing was stored: all a send that must not be stored twice (a half message) may
     * retry. SYSTEM_ERROR is not one: the broker answers it to a failure that may come after the append.
     */
    private static final Set<Integer> NOTHING_STORED = Set.of(ResponseCode.SYSTEM_BUSY,
            ResponseCode.SERVICE_NOT_AVAILABLE, ResponseCode.NO_PERMISSION, ResponseCode.TOPIC_NOT_EXIST);

    final ClientCore core;
    final String group;
    private final AtomicInteger turn = new AtomicInteger();

    Producer(ClientOptions options, String group) {
        this(options, group, MAX_ASYNC_IN_FLIGHT);
    }

    /** (for tests: a smaller bound on async sends in flight) */
    Producer(ClientOptions options, String group, int maxAsyncInFlight) {
        this.group = group;
        this.asyncSends = new java.util.concurrent.Semaphore(maxAsyncInFlight);
        this.core = new ClientCore(options, "producer", this::heartbeatData);
    }

    private HeartbeatData heartbeatData() {
        return new HeartbeatData(core.clientId, Set.of(new ProducerData(group)), Set.of());
    }

    /** Starts a producer of {@code group}. */
    /** The most async sends one producer has in flight (RocketMQ's client allows 65 535 requests). */
    public static final int MAX_ASYNC_IN_FLIGHT = 10_000;
    private final java.util.concurrent.Semaphore asyncSends;
    /** The most oneway sends one producer has being written (RocketMQ's client allows 65 535). */
    public static final int MAX_ONEWAY_IN_FLIGHT = 10_000;
    private final java.util.concurrent.Semaphore onewaySends = new java.util.concurrent.Semaphore(MAX_ONEWAY_IN_FLIGHT);

    public static Producer start(ClientOptions options, String group) {
        return new Producer(options, group);
    }

    /**
     * Sends and waits until the broker stored the message.
     *
     * @throws ClientException.NoRoute if the topic does not exist
     * @throws ClientException.Rejected if the broker refuses it for good (too large, illegal)
     * @throws ClientException.Unavailable if no broker took it after every retry
     */
    public SendReceipt send(Message message) {
        // (not through sendAsync: its future completes on a callback thread, and a sync send made from callbacks on
        // every one of those threads would wait for ever)
        return join(send(message, null, Map.of(), 0, true));
    }

    /** Sends {@code message} to the queue that {@code orderKey} picks, so messages with one key stay in order. */
    public SendReceipt send(Message message, String orderKey) {
        return join(send(message, orderKey, Map.of(), 0, true));
    }

    /**
     * Sends without waiting; the future completes when the broker stored it (or fails like {@link #send}), on one of
     * the client's callback threads, so what is chained on it may block (a sync send, a database call). At most
     * {@value #MAX_ASYNC_IN_FLIGHT} sends are in flight: one more waits up to the request timeout for room, then fails
     * with {@link ClientException.Unavailable} (the broker is not keeping up).
     */
    public CompletableFuture<SendReceipt> sendAsync(Message message) {
        core.checkOpen();
        ClientException full = acquire(asyncSends, "the most async sends");
        if (full != null) {
            return CompletableFuture.failedFuture(full);
        }
        CompletableFuture<SendReceipt> sent;
        try {
            sent = send(message, null, Map.of(), 0, true);
        } catch (RuntimeException e) {
            asyncSends.release();
            throw e;
        }
        // room again once the application's callback ran, not when the broker answered: slow callbacks waiting their
        // turn on the callback threads would otherwise pile up without bound
        CompletableFuture<SendReceipt> handed = core.toApplication(sent);
        handed.whenComplete((r, e) -> asyncSends.release());
        return handed;
    }

    /**
     * Sends and does not wait for any answer (no retry, no receipt). At most {@value #MAX_ONEWAY_IN_FLIGHT} are being
     * written at once (a broker that stopped reading would otherwise fill this process's memory): one more waits up to
     * the request timeout for room, then fails with {@link ClientException.Unavailable}.
     */
    public void sendOneway(Message message) {
        core.checkOpen();
        TopicRoute route = core.route(message.topic());
        QueueRef q = pick(route, null, null);
        String props = WireCodec.properties(message, UniqueIds.next(), Map.of());
        ClientException full = acquire(onewaySends, "the most oneway sends");
        if (full != null) {
            throw full;
        }
        try {
            core.remoting.invokeOneway(route.masters().get(q.brokerName()), RemotingCommand.request(
                    RequestCode.SEND_MESSAGE_V2, WireCodec.sendHeader(group, message.topic(), q.queueId(), 0, props, false),
                    message.bodyUnsafe())).whenComplete((r, e) -> onewaySends.release());
        } catch (RuntimeException e) {
            onewaySends.release();
            throw e;
        }
    }

    /** Takes a permit of {@code permits}, waiting up to the request timeout; the failure to hand over if none came. */
    private ClientException acquire(java.util.concurrent.Semaphore permits, String what) {
        try {
            return permits.tryAcquire(core.options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS) ? null
                    : new ClientException.Unavailable(what + " in flight and none finished within the request timeout: "
                    + "the broker is not keeping up", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ClientException.Unavailable("interrupted waiting to send", e);
        }
    }

    /** Sends messages of one topic as one batch, stored atomically in one queue. */
    public List<SendReceipt> send(List<Message> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        String topic = batch.get(0).topic();
        for (Message m : batch) {
            if (!m.topic().equals(topic)) {
                throw new IllegalArgumentException("a batch holds messages of one topic; found " + topic + " and " + m.topic());
            }
        }
        core.checkOpen();
        TopicRoute route = core.route(topic);
        QueueRef q = pick(route, null, null);
        List<String> ids = new ArrayList<>();
        List<String> props = new ArrayList<>();
        for (Message m : batch) {
            String id = UniqueIds.next();
            ids.add(id);
            props.add(WireCodec.properties(m, id, Map.of()));
        }
        RemotingCommand request = RemotingCommand.request(RequestCode.SEND_BATCH_MESSAGE,
                WireCodec.sendHeader(group, topic, q.queueId(), 0, "", true), WireCodec.batchBody(batch, props));
        String broker = route.masters().get(q.brokerName());
        RemotingCommand r;
        try {
            r = core.remoting.invokeSync(broker, request, core.options.requestTimeout().toMillis());
        } catch (RemotingException e) { // (typed, as every other send failure)
            throw new ClientException.Unavailable("batch to " + topic + " via " + broker + " failed: " + e.getMessage(), e);
        }
        if (r.code() != ResponseCode.SUCCESS) {
            throw new ClientException.Rejected(r.code(), "batch to " + topic + " refused: " + r.remark());
        }
        String[] offsetIds = r.ext("msgId").split(",");
        long first = Long.parseLong(r.ext("queueOffset"));
        List<SendReceipt> receipts = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            receipts.add(new SendReceipt(ids.get(i), offsetIds[i], topic, q.brokerName(), q.queueId(), first + i));
        }
        return receipts;
    }

    /**
     * The send path: picks a queue (by key, or round robin), sends, retries elsewhere on a retryable failure if
     * {@code mayRetry}, while the send's time lasts: no new attempt starts once the request timeout per allowed attempt,
     * all told, has passed.
     */
    CompletableFuture<SendReceipt> send(Message message, String orderKey, Map<String, String> extra, int sysFlag,
                                        boolean mayRetry) {
        core.checkOpen();
        String id = message.transactionId() != null ? message.transactionId() : UniqueIds.next();
        String props = WireCodec.properties(message, id, extra);
        long deadline = System.nanoTime()
                + core.options.requestTimeout().toNanos() * (core.options.sendRetries() + 1L);
        return attempt(new Sending(message, orderKey, id, props, sysFlag, mayRetry, deadline), 0, null);
    }

    /** One send, across its attempts. */
    private record Sending(Message message, String orderKey, String id, String props, int sysFlag, boolean mayRetry,
                           long deadlineNanos) {
    }

    private CompletableFuture<SendReceipt> attempt(Sending s, int attempt, String avoidBroker) {
        TopicRoute route;
        try {
            route = attempt == 0 ? core.route(s.message().topic()) : core.freshRoute(s.message().topic());
        } catch (ClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        String topic = s.message().topic();
        QueueRef q = pick(route, s.orderKey(), avoidBroker);
        String address = route.masters().get(q.brokerName());
        RemotingCommand request = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2,
                WireCodec.sendHeader(group, topic, q.queueId(), s.sysFlag(), s.props(), false), s.message().bodyUnsafe());
        return core.remoting.invokeAsync(address, request, core.options.requestTimeout().toMillis())
                .handle((r, error) -> {
                    if (error == null && r.code() == ResponseCode.SUCCESS) {
                        return CompletableFuture.completedFuture(new SendReceipt(s.id(), r.ext("msgId"), topic,
                                q.brokerName(), Integer.parseInt(r.ext("queueId")), Long.parseLong(r.ext("queueOffset"))));
                    }
                    ClientException failure = error != null
                            ? new ClientException.Unavailable("send to " + topic + " via " + address + " failed: "
                            + cause(error).getMessage(), cause(error))
                            : new ClientException.Rejected(r.code(), "broker " + address + " refused the message to "
                            + topic + ": " + r.remark());
                    boolean retryable = error != null ? s.mayRetry() || cause(error) instanceof RemotingException.Connect
                            : (s.mayRetry() ? RETRYABLE : NOTHING_STORED).contains(r.code());
                    long backoff = core.options.retryBackoff().toMillis() << attempt;
                    if (!retryable || attempt >= core.options.sendRetries()
                            || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) >= s.deadlineNanos()) {
                        return CompletableFuture.<SendReceipt>failedFuture(failure);
                    }
                    return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS))
                            .thenCompose(x -> attempt(s, attempt + 1, q.brokerName()));
                }).thenCompose(f -> f);
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The queue for a send: by key; else round robin, avoiding {@code avoidBroker} when another exists. */
    QueueRef pick(TopicRoute route, String orderKey, String avoidBroker) {
        List<QueueRef> queues = route.writable();
        if (queues.isEmpty()) {
            throw new ClientException.NoRoute("topic has no writable queue on a live broker");
        }
        if (orderKey != null) {
            return queues.get(Math.floorMod(orderKey.hashCode(), queues.size()));
        }
        for (int i = 0; i < queues.size(); i++) {
            QueueRef q = queues.get(Math.floorMod(turn.getAndIncrement(), queues.size()));
            if (avoidBroker == null || !q.brokerName().equals(avoidBroker)) {
                return q;
            }
        }
        return queues.get(Math.floorMod(turn.getAndIncrement(), queues.size()));
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof ClientException ce ? ce : new ClientException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** The commit-log offset an offset message id names. */
    static long commitLogOffset(String offsetMessageId) {
        return OffsetMessageId.parse(offsetMessageId).commitLogOffset();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Leaves the producer group on every broker and closes connections. */
    @Override
    public void close() {
        core.unregister(group, null);
        core.close();
    }
}
