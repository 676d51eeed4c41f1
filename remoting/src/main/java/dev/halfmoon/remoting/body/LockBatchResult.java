package dev.halfmoon.remoting.body;

import java.util.Set;

/** LOCK_BATCH_MQ's answer: the queues the client now holds. */
public record LockBatchResult(Set<MessageQueueRef> lockOKMQSet) {
}
