package dev.halfmoon.broker.client;

import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.SubscriptionGroupConfig;
import java.time.Clock;

/**
 * What a heartbeat means beyond membership: every consumer group gets its configuration (when
 * {@code autoCreateSubscriptionGroup} is on) and its retry topic ({@code %RETRY%<group>}), as
 * RocketMQ brokers do. Thread-safe.
 */
public final class ClientService {
    private final ClientRegistry registry;
    private final TopicRegistry topics;
    private final SubscriptionGroups groups;
    private final Clock clock;

    public ClientService(ClientRegistry registry, TopicRegistry topics, SubscriptionGroups groups, Clock clock) {
        this.registry = registry;
        this.topics = topics;
        this.groups = groups;
        this.clock = clock;
    }

    public void heartbeat(HeartbeatData data, RemotingChannel channel, String language, int version) {
        for (String group : registry.heartbeat(data, channel, language, version, clock.millis())) {
            int retryQueues = groups.findOrCreate(group).map(SubscriptionGroupConfig::retryQueueNums).orElse(1);
            topics.ensure(SystemTopics.retryTopic(group), Math.max(1, retryQueues), Perm.READ_WRITE);
        }
    }

    public ClientRegistry registry() {
        return registry;
    }
}
