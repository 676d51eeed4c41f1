package dev.halfmoon.message;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message as a broker is about to store it: every field of the stored record except those the
 * commit log patches in at append time (queue offset, physical offset, store timestamp).
 *
 * <p>Immutable apart from the body buffer, which is read from its position to its limit and never
 * moved. The V6 bits of {@code sysFlag} are set by the encoder from the host addresses.
 *
 * @param topic                     stored topic, at most 127 UTF-8 bytes
 * @param queueId                   queue id within {@code topic}
 * @param flag                      the user's message flag
 * @param sysFlag                   {@link SysFlag} bits (V6 bits ignored)
 * @param bornTimestamp             producer clock at send, ms
 * @param bornHost                  producer address
 * @param storeHost                 broker address clients reach it on
 * @param reconsumeTimes            deliveries so far that failed
 * @param preparedTransactionOffset commit-log offset of the half this record resolves, else 0
 * @param body                      body bytes (as they will be stored: compressed if the sys flag says so)
 * @param properties                properties string, see {@link MessageProperties}
 */
public record RecordDraft(String topic, int queueId, int flag, int sysFlag, long bornTimestamp,
                          InetSocketAddress bornHost, InetSocketAddress storeHost, int reconsumeTimes,
                          long preparedTransactionOffset, ByteBuffer body, String properties) {

    public RecordDraft {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bornHost, "bornHost");
        Objects.requireNonNull(storeHost, "storeHost");
        Objects.requireNonNull(body, "body");
        properties = properties == null ? "" : properties;
    }

    /** A copy with another topic, queue and sys flag: how half, commit and retry records are derived. */
    public RecordDraft withDestination(String newTopic, int newQueueId, int newSysFlag) {
        return new RecordDraft(newTopic, newQueueId, flag, newSysFlag, bornTimestamp, bornHost, storeHost,
                reconsumeTimes, preparedTransactionOffset, body, properties);
    }

    /** A copy with other properties. */
    public RecordDraft withProperties(String newProperties) {
        return new RecordDraft(topic, queueId, flag, sysFlag, bornTimestamp, bornHost, storeHost,
                reconsumeTimes, preparedTransactionOffset, body, newProperties);
    }
}
