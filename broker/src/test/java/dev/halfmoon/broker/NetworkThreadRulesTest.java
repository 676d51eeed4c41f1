package dev.halfmoon.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.config.BrokerSettings;
import dev.halfmoon.broker.config.MessagingConfig;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.CommitLogConfig;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.log.StoreHooks;
import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.log.meta.MetadataStore;
import dev.halfmoon.log.meta.MetadataTable;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.TopicConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What may run on a network thread: only work that cannot block (no topic creation, no segment
 * roll or allocation, no read of an old half message, no read far behind a queue's end), and
 * nothing when the operator turns it off.
 */
@Timeout(60)
class NetworkThreadRulesTest {
    private static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);

    @TempDir
    Path dir;

    private static MessagingConfig messaging(String... settings) {
        Map<String, String> conf = new HashMap<>(Map.of("brokerIP1", "127.0.0.1", "namesrvAddr", "127.0.0.1:9",
                "storePathRootDir", "unused"));
        for (int i = 0; i < settings.length; i += 2) {
            conf.put(settings[i], settings[i + 1]);
        }
        return BrokerSettings.load(conf).messaging();
    }

    private static long append(LogStore store, String topic, int bodyBytes) {
        RecordDraft draft = new RecordDraft(topic, 0, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(new byte[bodyBytes]), "");
        return store.append(RecordEncoder.encode(draft)).join().first().commitLogOffset();
    }

    @Test
    void onlyWorkThatCannotBlockRunsOnTheNetworkThread() {
        StoreConfig config = StoreConfig.defaults(dir).withCommitLog(CommitLogConfig.defaults()
                .withSegmentSizeBytes(128 << 20));
        try (MetadataStore metadata = MetadataStore.open(config.metadataDir());
             LogStore store = LogStore.open(config, metadata, StoreHooks.defaults()).start(List.of())) {
            TopicRegistry topics = TopicRegistry.load(metadata.table(MetadataTable.TOPICS, Codec.STRING,
                    new JsonCodec<>(TopicConfig.class)), Clock.systemUTC());
            topics.ensure("Orders", 1, Perm.READ_WRITE);
            topics.ensure("%RETRY%g", 1, Perm.READ_WRITE);
            Set<Long> pending = ConcurrentHashMap.newKeySet();
            NetworkThreadRules rules = new NetworkThreadRules(store, topics, messaging(), pending::contains);

            assertFalse(rules.send("Orders", 1000), "no segment yet: the first append creates one");
            long first = append(store, "Orders", 1000);
            await().atMost(Duration.ofSeconds(10)).until(() -> rules.send("Orders", 1000));
            assertFalse(rules.send("Unknown", 1000), "an unknown topic may be created, a synced metadata write");
            assertFalse(rules.send("%RETRY%g", 1000), "a retry topic may dead-letter, creating the DLQ topic");
            assertFalse(rules.send("Orders", 32 << 20), "more than is allocated ahead");

            assertFalse(rules.end(first, false), "no transaction pending there: looked up by id, maybe an old half");
            pending.add(first);
            assertTrue(rules.end(first, false), "a producer's end of a recent half");
            assertFalse(rules.end(first, true), "a check-back's answer");
            assertFalse(rules.end(-1, false), "no half offset");
            pending.add(first + 1);
            assertFalse(rules.end(first + 1, false), "no record starts there: the executor answers the error");
            assertFalse(rules.end(store.writtenOffset() + 100, false), "an offset beyond the log: looked up by id, anywhere");
            assertTrue(rules.pull("Orders", 0, 0), "a pull one message behind");

            for (int i = 0; i < 70; i++) {
                append(store, "Orders", 1 << 20);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> rules.send("Orders", 8 << 20)); // the allocator caught up
            assertFalse(rules.end(first, false), "a half 70 MiB back may no longer be cached");
            long recent = append(store, "Orders", 1000);
            pending.add(recent);
            assertTrue(rules.end(recent, false));

            NetworkThreadRules off = new NetworkThreadRules(store, topics,
                    messaging("sendOnNetworkThread", "false", "pullOnNetworkThreadMaxLag", "-1"), pending::contains);
            assertFalse(off.send("Orders", 1000));
            assertFalse(off.end(store.writtenOffset() - 2000, false));
            assertFalse(off.pull("Orders", 0, store.maxQueueOffset("Orders", 0)));
            NetworkThreadRules nearOnly = new NetworkThreadRules(store, topics, messaging("pullOnNetworkThreadMaxLag", "5"),
                    pending::contains);
            assertFalse(nearOnly.pull("Orders", 0, 0), "72 messages behind");
            assertTrue(nearOnly.pull("Orders", 0, 70));
        }
    }
}
