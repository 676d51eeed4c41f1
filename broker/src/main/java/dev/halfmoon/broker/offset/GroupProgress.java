package dev.halfmoon.broker.offset;

import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far a consumer group is on each queue of a topic: what the broker holds, what the group
 * committed, and the lag between them. One answer for the admin protocol, the metrics and the
 * web console. Thread-safe.
 */
public final class GroupProgress {
    /**
     * One queue's progress.
     *
     * @param brokerOffset   the queue's next offset (what is stored)
     * @param consumerOffset the group's committed offset, 0 if none
     * @param lag            messages still to consume (retention-aware: never counts what is gone)
     */
    public record QueueProgress(String topic, int queueId, long brokerOffset, long consumerOffset, long lag) {
    }

    private final LogStore store;
    private final TopicRegistry topics;
    private final ConsumerOffsets offsets;
    private final ClientRegistry clients;

    public GroupProgress(LogStore store, TopicRegistry topics, ConsumerOffsets offsets, ClientRegistry clients) {
        this.store = store;
        this.topics = topics;
        this.offsets = offsets;
        this.clients = clients;
    }

    /** Groups with committed offsets on this broker. */
    public Set<String> groups() {
        return offsets.groups();
    }

    /** The groups with committed offsets on {@code topic} or whose online consumers subscribe to it, sorted. */
    public Set<String> readersOf(String topic) {
        Set<String> names = new TreeSet<>(offsets.groupsOf(topic));
        for (String g : clients.consumerGroups()) {
            clients.consumerGroup(g).filter(c -> c.subscriptions().containsKey(topic)).ifPresent(c -> names.add(g));
        }
        return names;
    }

    /** The topics {@code group} has committed offsets on or its online consumers subscribe to, sorted. */
    public Set<String> topicsOf(String group) {
        Set<String> names = new TreeSet<>(offsets.topicsOf(group));
        clients.consumerGroup(group).ifPresent(g -> names.addAll(g.subscriptions().keySet()));
        return names;
    }

    /** Progress on every queue of each existing topic in {@code topicNames} (unknown topics are skipped). */
    public List<QueueProgress> of(String group, Collection<String> topicNames) {
        List<QueueProgress> result = new ArrayList<>();
        for (String name : topicNames) {
            TopicConfig topic = topics.get(name).orElse(null);
            if (topic == null) {
                continue;
            }
            for (int q = 0; q < topic.queueCount(); q++) {
                long brokerOffset = store.maxQueueOffset(name, q);
                long committed = offsets.get(group, name, q);
                long from = Math.max(committed, store.minQueueOffset(name, q));
                result.add(new QueueProgress(name, q, brokerOffset, Math.max(0, committed), Math.max(0, brokerOffset - from)));
            }
        }
        return result;
    }

    /** Total lag of {@code group} on {@code topic}. */
    public long lag(String group, String topic) {
        return of(group, List.of(topic)).stream().mapToLong(QueueProgress::lag).sum();
    }
}
