package dev.halfmoon.broker.topic;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.StartTopics;
import dev.halfmoon.broker.delay.Scheduling;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.txn.TxnTopics;

/** The topics a broker makes for itself at every start, as RocketMQ's broker does ({@link TopicRegistry#own}). */
public final class OwnTopics {
    private OwnTopics() {
    }

    public static void ensure(TopicRegistry topics, BrokerConfig config) {
        if (config.messaging().autoCreateTopicEnable()) {
            topics.ensureAtStart(TopicRegistry.AUTO_CREATE_TOPIC_KEY, config.messaging().defaultTopicQueueNums(),
                    Perm.READ_WRITE | Perm.INHERIT);
        }
        topics.ensureAtStart(TxnTopics.CHECK_MAX_TIME, 1, Perm.READ);
        topics.ensureAtStart(Scheduling.TOPIC, config.messaging().delayLevels().max(), Perm.READ_WRITE);
        // request/reply: responders send replies here (MessageUtil.createReplyMessage names it from the CLUSTER property)
        topics.ensureAtStart(config.identity().clusterName() + "_REPLY_TOPIC", 1, Perm.READ_WRITE);
        StartTopics named = config.startTopics(); // RocketMQ's: tools look the cluster's brokers up through these
        topics.ensureAtStart(config.identity().clusterName(), 16, Perm.INHERIT | (named.clusterTopic() ? Perm.READ_WRITE : 0));
        topics.ensureAtStart(config.identity().brokerName(), 1, Perm.INHERIT | (named.brokerTopic() ? Perm.READ_WRITE : 0));
        if (named.traceTopic() != null) {
            topics.ensureAtStart(named.traceTopic(), 1, Perm.READ_WRITE);
        }
    }
}
