package dev.halfmoon.broker.topic;

import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.remoting.body.DataVersion;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicConfigWrapper;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's topics: configurations kept in memory and in the metadata store, so they survive a
 * restart, with a data version that changes on every change (the name server sees it). Listeners
 * hear of each change (the registrar re-registers at once). Thread-safe.
 */
public final class TopicRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TopicRegistry.class);
    /** The topic producers ask the route of when theirs is unknown ({@code TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC}). */
    public static final String AUTO_CREATE_TOPIC_KEY = "TBW102";

    private final Map<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final KvTable<String, TopicConfig> table;
    private final Clock clock;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile DataVersion version;

    private TopicRegistry(KvTable<String, TopicConfig> table, Clock clock) {
        this.table = table;
        this.clock = clock;
        this.version = new DataVersion(clock.millis(), 0);
    }

    /** Loads every stored topic. */
    public static TopicRegistry load(KvTable<String, TopicConfig> table, Clock clock) {
        TopicRegistry registry = new TopicRegistry(table, clock);
        table.forEach(registry.topics::put);
        LOG.info("loaded {} topic configs", registry.topics.size());
        return registry;
    }

    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public Optional<TopicConfig> get(String topic) {
        return Optional.ofNullable(topics.get(topic));
    }

    /** Creates or replaces a topic's configuration, persisted before it returns. */
    public TopicConfig put(TopicConfig config) {
        TopicConfig previous = topics.put(config.topicName(), config);
        if (!config.equals(previous)) {
            table.put(config.topicName(), config);
            changed(previous == null ? "created" : "updated", config);
        }
        return config;
    }

    /** Creates {@code topic} with {@code queues} read/write queues and {@code perm} if it does not exist. */
    public TopicConfig ensure(String topic, int queues, int perm) {
        TopicConfig existing = topics.get(topic);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = topics.get(topic);
            return existing != null ? existing
                    : put(new TopicConfig(topic, queues, queues, perm, "SINGLE_TAG", 0, false));
        }
    }

    /** Deletes a topic's configuration; false if it did not exist. */
    public boolean delete(String topic) {
        TopicConfig removed = topics.remove(topic);
        if (removed == null) {
            return false;
        }
        table.delete(topic);
        changed("deleted", removed);
        return true;
    }

    private void changed(String what, TopicConfig config) {
        version = version.next(clock.millis());
        LOG.info("topic {} {}: {} read / {} write queues, perm {}", config.topicName(), what, config.readQueueNums(),
                config.writeQueueNums(), Perm.text(config.perm()));
        for (Runnable l : listeners) {
            l.run();
        }
    }

    public Map<String, TopicConfig> all() {
        return new TreeMap<>(topics);
    }

    /** Every topic with the current data version, as registered with the name server. */
    public TopicConfigWrapper snapshot() {
        return new TopicConfigWrapper(all(), version);
    }
}
