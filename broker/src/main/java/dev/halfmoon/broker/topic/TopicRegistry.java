package dev.halfmoon.broker.topic;

import dev.halfmoon.broker.ConfigTable;
import dev.halfmoon.log.meta.KvTable;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicConfigWrapper;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
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

    private final java.util.Set<String> own = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ConfigTable<TopicConfig> topics;

    private TopicRegistry(ConfigTable<TopicConfig> topics) {
        this.topics = topics;
    }

    /** Loads every stored topic. */
    public static TopicRegistry load(KvTable<String, TopicConfig> table, Clock clock) {
        TopicRegistry registry = new TopicRegistry(new ConfigTable<>(table, clock));
        LOG.info("loaded {} topic configs", registry.topics.size());
        return registry;
    }

    public void addListener(Runnable listener) {
        topics.addListener(listener);
    }

    public Optional<TopicConfig> get(String topic) {
        return topics.get(topic);
    }

    /** Creates or replaces a topic's configuration, persisted before it returns. */
    public TopicConfig put(TopicConfig config) {
        TopicConfig previous = topics.put(config.topicName(), config);
        if (!config.equals(previous)) {
            log(previous == null ? "created" : "updated", config);
        }
        return config;
    }

    /** Creates {@code topic} with {@code queues} read/write queues and {@code perm} if it does not exist. */
    public TopicConfig ensure(String topic, int queues, int perm) {
        return topics.ensure(topic, name -> created(name, queues, perm));
    }

    /** A broker's own topic, made at every start: written without waiting for the disk. */
    public TopicConfig ensureAtStart(String topic, int queues, int perm) {
        own.add(topic);
        return topics.ensure(topic, name -> created(name, queues, perm), false);
    }

    /** The topics the broker makes for itself at start (schedule, transactions, cluster, broker, reply, trace). */
    public java.util.Set<String> own() {
        return java.util.Collections.unmodifiableSet(own);
    }

    private static TopicConfig created(String name, int queues, int perm) {
        TopicConfig created = new TopicConfig(name, queues, queues, perm, "SINGLE_TAG", 0, false);
        log("created", created);
        return created;
    }

    /** Deletes a topic's configuration; false if it did not exist. */
    public boolean delete(String topic) {
        TopicConfig removed = topics.delete(topic);
        if (removed != null) {
            log("deleted", removed);
        }
        return removed != null;
    }

    private static void log(String what, TopicConfig config) {
        LOG.info("topic {} {}: {} read / {} write queues, perm {}", config.topicName(), what, config.readQueueNums(),
                config.writeQueueNums(), Perm.text(config.perm()));
    }

    public Map<String, TopicConfig> all() {
        return topics.all();
    }

    /** Every topic with the current data version, as registered with the name server. */
    public TopicConfigWrapper snapshot() {
        return new TopicConfigWrapper(all(), topics.version());
    }
}
