package dev.halfmoon.broker.client;

import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.Perm;
import java.time.Clock;

/**
 * What a heartbeat means beyond membership: every consumer group gets its retry topic
 * ({@code %RETRY%<group>}, one queue), as RocketMQ brokers do. Thread-safe.
 */
public final class ClientService {
    private final ClientRegistry registry;
    private final TopicRegistry topics;
    private final Clock clock;

    public ClientService(ClientRegistry registry, TopicRegistry topics, Clock clock) {
        this.registry = registry;
        this.topics = topics;
        this.clock = clock;
    }

    public void heartbeat(HeartbeatData data, RemotingChannel channel, String language, int version) {
        for (String group : registry.heartbeat(data, channel, language, version, clock.millis())) {
            topics.ensure(SystemTopics.retryTopic(group), 1, Perm.READ_WRITE);
        }
    }

    public ClientRegistry registry() {
        return registry;
    }
}
