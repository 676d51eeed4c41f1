package dev.halfmoon.broker.client;

import dev.halfmoon.broker.group.SubscriptionGroups;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.HeartbeatData;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.TopicValidator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * What a heartbeat means beyond membership: every consumer group gets its configuration (when
 * {@code autoCreateSubscriptionGroup} is on) and its retry topic ({@code %RETRY%<group>}), as
 * RocketMQ brokers do. Thread-safe.
 */
public final class ClientService {
    private final ClientRegistry registry;
    private final TopicRegistry topics;
    /** Far more than a client has (one per producer and consumer it runs): a bound on what one heartbeat can create. */
    private static final int MAX_GROUPS_PER_HEARTBEAT = 1_000;

    private final SubscriptionGroups groups;
    private final Clock clock;

    public ClientService(ClientRegistry registry, TopicRegistry topics, SubscriptionGroups groups, Clock clock) {
        this.registry = registry;
        this.topics = topics;
        this.groups = groups;
        this.clock = clock;
    }

    /**
     * A client's heartbeat: its groups are registered, and each consumer group's retry topic made if its group exists
     * (or is made now, with {@code autoCreateSubscriptionGroup}). A heartbeat naming an illegal group, or more groups
     * than any client has, is refused whole before anything changes.
     */
    /** @param accessKey the account the heartbeat was signed by (ACL on), or null */
    public void heartbeat(HeartbeatData data, RemotingChannel channel, String language, int version, String accessKey) {
        refuseBadGroups(data);
        for (String group : registry.heartbeat(data, channel, language, version, clock.millis(), accessKey)) {
            groups.findOrCreate(group).ifPresent(config -> topics.ensure(SystemTopics.retryTopic(group),
                    Math.max(1, config.retryQueueNums()), Perm.READ_WRITE));
        }
    }

    private static void refuseBadGroups(HeartbeatData data) {
        List<String> names = new ArrayList<>();
        data.consumerDataSet().forEach(c -> names.add(c.groupName()));
        data.producerDataSet().forEach(p -> names.add(p.groupName()));
        if (names.size() > MAX_GROUPS_PER_HEARTBEAT) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "a heartbeat names at most " + MAX_GROUPS_PER_HEARTBEAT
                    + " groups; this one names " + names.size());
        }
        for (String name : names) {
            String problem = TopicValidator.groupProblem(name);
            if (problem != null) {
                throw new RequestException(ResponseCode.SYSTEM_ERROR, problem);
            }
        }
    }

    public ClientRegistry registry() {
        return registry;
    }
}
