package dev.halfmoon.txn;

import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.ConsumeQueueConfig;
import dev.halfmoon.log.DiskUsage;
import dev.halfmoon.log.FlushMode;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.RetentionConfig;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A real coordinator over a real store in a directory, reopened on demand. */
final class TxnFixture implements AutoCloseable {
    static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);
    private static final AtomicInteger IDS = new AtomicInteger();

    final Path dir;
    StoreConfig config;
    MetadataStore metadata;
    LogStore store;
    TransactionCoordinator coordinator;
    long timeoutMs = 6000;
    /** How full the store's disk looks, or null for the real disk's figure. */
    DiskUsage diskUsage;

    TxnFixture(Path dir) {
        this.dir = dir;
        this.config = StoreConfig.defaults(dir)
                .withCommitLog(CommitLogConfig.defaults().withSegmentSizeBytes(64 * 1024).withFlushMode(FlushMode.SYNC_FLUSH))
                .withConsumeQueue(new ConsumeQueueConfig(1024, true))
                .withRetention(new RetentionConfig(3_600_000, 75, 0.95, 50, 20));
    }

    /** Topics whose appends the store's dispatch filter fails (a hook of the layer above throwing). */
    volatile java.util.function.Predicate<String> failDispatchOf = topic -> false;

    TxnFixture open() {
        metadata = MetadataStore.open(config.metadataDir());
        TransactionCoordinator[] ref = new TransactionCoordinator[1];
        StoreHooks hooks = StoreHooks.defaults().withDispatchFilter(r -> {
                    if (failDispatchOf.test(r.topic())) {
                        throw new IllegalStateException("the dispatch filter failed for " + r.topic() + " (test)");
                    }
                    return !TxnTopics.isHidden(r.topic());
                })
                .withRetentionHook((start, end) -> ref[0].carryForward(start, end));
        store = LogStore.open(config, metadata, diskUsage == null ? hooks : hooks.withDiskUsage(diskUsage));
        coordinator = TransactionCoordinator.open(store, metadata, Clock.systemUTC(), HOST, timeoutMs);
        ref[0] = coordinator;
        store.start(List.of());
        return this;
    }

    TxnFixture reopen() {
        close();
        return open();
    }

    /** Stops without the coordinator's final snapshot, as a crash would (the store still closes cleanly), and reopens. */
    TxnFixture reopenWithoutSnapshot() {
        store.close();
        metadata.close();
        store = null;
        return open();
    }

    static RecordDraft message(String topic, int queueId, String body, String group) {
        return message(topic, queueId, body, group, Map.of());
    }

    static RecordDraft message(String topic, int queueId, String body, String group, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperty.TRANSACTION_PREPARED, "true");
        props.put(MessageProperty.PRODUCER_GROUP, group);
        props.put(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "TX" + IDS.incrementAndGet() + "-" + body);
        props.putAll(extra);
        return new RecordDraft(topic, queueId, 7, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), MessageProperties.encode(props));
    }

    /** Ends the transaction of {@code half} as {@code group} would, waiting for the answer. */
    EndResult end(PrepareResult half, Decision decision, Resolver by, String group) {
        return coordinator.end(new EndRequest(group, half.half().commitLogOffset(), half.transactionId(), decision, by))
                .orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (store != null) {
            coordinator.checkpoint();
            store.close();
            metadata.close();
            store = null;
        }
    }
}
