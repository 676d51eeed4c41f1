package dev.halfmoon.client;

import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.SysFlag;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends transactional messages: the half message is stored first (invisible to consumers), then
 * the {@link TransactionListener} runs the local transaction, then the outcome is sent to the
 * broker. If the outcome never arrives, the broker asks this producer group later; those
 * check-backs are answered on a bounded pool of their own, so a slow checker never blocks sending
 * (when the pool is full a check is dropped; the broker asks again). It announces itself to every
 * broker at start, so a restarted instance answers check-backs before it sends anything. Thread-safe.
 *
 * <pre>{@code
 * JdbcOutbox outbox = JdbcOutbox.create(dataSource);
 * try (TransactionProducer producer = TransactionProducer.start(options, "order-service", outbox.listener())) {
 *     producer.sendInTransaction(Message.builder("OrderCreated").body(json).build(),
 *             (JdbcOutbox.Work) connection -> insertOrder(connection, order));
 * }
 * }</pre>
 */
public final class TransactionProducer extends Producer {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionProducer.class);
    private static final int COMMIT = 8;
    private static final int ROLLBACK = 12;

    private static final long CLOSE_WAIT_MS = 3000;

    private final TransactionListener listener;
    private final ThreadPoolExecutor checks;

    private TransactionProducer(ClientOptions options, String group, TransactionListener listener, int checkThreads,
                                int checkQueue) {
        super(options, group);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.checks = new ThreadPoolExecutor(checkThreads, checkThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(checkQueue), r -> {
                    Thread t = new Thread(r, "halfmoon-tx-check-" + group);
                    t.setDaemon(true);
                    return t;
                });
        core.remoting.register(RequestCode.CHECK_TRANSACTION_STATE, this::onCheck, Runnable::run);
        core.heartbeatEverywhere();
    }

    /** Starts a transaction producer of {@code group}; check-backs run on 2 threads with room for 2 000 waiting. */
    public static TransactionProducer start(ClientOptions options, String group, TransactionListener listener) {
        Objects.requireNonNull(listener, "listener"); // (before a client, with its threads, is made)
        return new TransactionProducer(options, group, listener, 2, 2000);
    }

    /**
     * Stores the half message, runs the local transaction and reports its outcome.
     *
     * @param arg passed to {@link TransactionListener#executeLocal}
     * @throws ClientException if the half message could not be stored (the local transaction did not run)
     * @throws IllegalArgumentException if the message is delayed, or the listener cannot run with {@code arg}
     *                                  (nothing sent)
     */
    public TransactionReceipt sendInTransaction(Message message, Object arg) {
        if (message.properties().containsKey(MessageProperty.DELAY_TIME_LEVEL)) {
            throw new IllegalArgumentException("a transactional message cannot be delayed; delay a message sent after the commit");
        }
        listener.checkArgument(arg);
        Map<String, String> extra = Map.of(MessageProperty.TRANSACTION_PREPARED, "true", MessageProperty.PRODUCER_GROUP, group);
        Message withId = message.withProperty(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, UniqueIds.next());
        SendReceipt half = join(send(withId, null, extra, SysFlag.TRANSACTION_PREPARED_TYPE, false));
        TransactionOutcome outcome;
        try {
            outcome = Objects.requireNonNullElse(listener.executeLocal(withId, arg), TransactionOutcome.UNKNOWN);
        } catch (Exception e) { // (a checked one thrown sneakily too: END is sent whatever happened)
            LOG.warn("local transaction of {} failed; outcome UNKNOWN, the broker will check back", half.messageId(), e);
            outcome = TransactionOutcome.UNKNOWN;
        }
        if (outcome == TransactionOutcome.UNKNOWN) {
            return new TransactionReceipt(half, outcome, TransactionReceipt.End.LEFT_TO_CHECK, null);
        }
        return confirmed(half, outcome);
    }

    /**
     * Sends the outcome to the broker that stored the half (the address in its offset message id, not one a route of
     * the group may list by now) and waits up to the request timeout for what it made of it. RocketMQ's client sends it
     * oneway and cannot tell its user that a COMMIT came too late.
     */
    private TransactionReceipt confirmed(SendReceipt half, TransactionOutcome outcome) {
        String broker = storedAt(half);
        if (broker == null) {
            LOG.warn("no address for the broker of transaction {}; it will be checked back", half.messageId());
            return new TransactionReceipt(half, outcome, TransactionReceipt.End.UNCONFIRMED, "no address for broker "
                    + half.brokerName());
        }
        RemotingCommand answer;
        try {
            answer = join(core.remoting.invokeAsync(broker, endRequest(half.offsetMessageId(), half.queueOffset(),
                    half.messageId(), outcome, false), core.options.requestTimeout().toMillis()));
        } catch (RuntimeException e) {
            LOG.warn("the broker did not confirm the {} of transaction {} ({}); it will be checked back", outcome,
                    half.messageId(), e.getMessage());
            return new TransactionReceipt(half, outcome, TransactionReceipt.End.UNCONFIRMED, e.getMessage());
        }
        String state = answer.ext(dev.halfmoon.remoting.HalfmoonHeaders.TRANSACTION_STATE);
        if (answer.code() == ResponseCode.SUCCESS || (outcome == TransactionOutcome.COMMIT ? "COMMITTED" : "ROLLED_BACK")
                .equals(state)) {
            return new TransactionReceipt(half, outcome, TransactionReceipt.End.APPLIED, null);
        }
        boolean resolved = answer.code() == ResponseCode.ILLEGAL_OPERATION && state != null;
        LOG.warn("the broker {} the {} of transaction {}: {}", resolved ? "refused" : "did not confirm", outcome,
                half.messageId(), answer.remark());
        return new TransactionReceipt(half, outcome, resolved ? TransactionReceipt.End.REFUSED
                : TransactionReceipt.End.UNCONFIRMED, answer.remark());
    }

    /** The address of the broker that stored {@code half}, from its offset message id; else what the routes say. */
    private String storedAt(SendReceipt half) {
        try {
            java.net.InetSocketAddress host = dev.halfmoon.message.OffsetMessageId.parse(half.offsetMessageId()).storeHost();
            return host.getAddress().getHostAddress() + ":" + host.getPort();
        } catch (RuntimeException e) {
            return core.brokerAddress(half.brokerName());
        }
    }

    private RemotingCommand endRequest(String offsetMessageId, long queueOffset, String transactionId,
                                       TransactionOutcome outcome, boolean fromCheck) {
        Map<String, String> header = new HashMap<>();
        header.put("producerGroup", group);
        header.put("tranStateTableOffset", Long.toString(queueOffset));
        header.put("commitLogOffset", Long.toString(commitLogOffset(offsetMessageId)));
        header.put("commitOrRollback", Integer.toString(outcome == TransactionOutcome.COMMIT ? COMMIT
                : outcome == TransactionOutcome.ROLLBACK ? ROLLBACK : 0));
        header.put("fromTransactionCheck", Boolean.toString(fromCheck));
        header.put("msgId", offsetMessageId);
        header.put("transactionId", transactionId);
        return RemotingCommand.request(RequestCode.END_TRANSACTION, header, null);
    }

    private static void sent(CompletableFuture<Void> write, String transactionId) {
        write.exceptionally(e -> {
            LOG.warn("could not send the outcome of transaction {} ({}); the broker will check back",
                    transactionId, e.getMessage());
            return null;
        });
    }

    /** Transactions whose check runs now: a second check of one waits for the broker's next ask. */
    private final java.util.Set<String> checking = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private CompletableFuture<RemotingCommand> onCheck(RemotingChannel channel, RemotingCommand request) {
        byte[] body = request.body();
        if (body == null) {
            return null;
        }
        RecordView record = RecordView.of(ByteBuffer.wrap(body));
        if (record.check(false) != RecordView.Check.OK) {
            LOG.warn("undecodable check-back from {}", channel.remoteAddress());
            return null;
        }
        MessageView view = WireCodec.view(record, null);
        if (!group.equals(view.properties().get(MessageProperty.PRODUCER_GROUP))) {
            return null;
        }
        String offsetMessageId = Headers.optional(request, "offsetMsgId", view.offsetMessageId());
        long queueOffset = Headers.optionalLong(request, "tranStateTableOffset", 0);
        if (!checking.add(view.transactionId())) { // the broker asked again while the first check still runs
            return null;
        }
        try {
            checks.execute(() -> {
                TransactionOutcome outcome;
                try {
                    outcome = Objects.requireNonNullElse(listener.check(view), TransactionOutcome.UNKNOWN);
                } catch (Exception e) { // (a checked one thrown sneakily too: the broker is answered whatever happened)
                    LOG.warn("check of transaction {} failed; answering UNKNOWN", view.transactionId(), e);
                    outcome = TransactionOutcome.UNKNOWN;
                } finally {
                    checking.remove(view.transactionId());
                }
                // on the connection the check came on: the broker counts a check answered when its answer comes there
                sent(channel.oneway(endRequest(offsetMessageId, queueOffset, view.transactionId(), outcome, true)),
                        view.transactionId());
            });
        } catch (RejectedExecutionException e) {
            checking.remove(view.transactionId());
            LOG.warn("check pool full; dropping the check of {} (the broker will ask again)", view.transactionId());
        }
        return null;
    }

    /**
     * Leaves the group on every broker first (no more check-backs come), lets the checks running finish and answer (up
     * to {@value #CLOSE_WAIT_MS} ms), then closes.
     */
    @Override
    public void close() {
        core.unregister(group, null);
        checks.shutdown();
        try {
            if (!checks.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                checks.shutdownNow();
            }
        } catch (InterruptedException e) {
            checks.shutdownNow();
            Thread.currentThread().interrupt();
        }
        core.close();
    }
}
