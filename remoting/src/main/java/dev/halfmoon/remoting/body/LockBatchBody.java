package dev.halfmoon.remoting.body;

import java.util.Set;

/** LOCK_BATCH_MQ and UNLOCK_BATCH_MQ bodies: a client asking for (or giving up) the queues it consumes in order. */
public record LockBatchBody(String consumerGroup, String clientId, Boolean onlyThisBroker, Set<MessageQueueRef> mqSet) {
    public LockBatchBody {
        mqSet = mqSet == null ? Set.of() : Set.copyOf(mqSet);
    }
}
