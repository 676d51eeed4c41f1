package dev.halfmoon.broker;

import dev.halfmoon.broker.config.MessagingConfig;
import dev.halfmoon.broker.send.SystemTopics;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.log.LogStore;
import java.util.function.LongPredicate;

/**
 * Which requests are processed on the network thread that read them instead of being handed to an
 * executor. The hand-off costs a wake-up of a pool thread and one of the network thread for the
 * answer, a fifth of the broker's CPU per transaction on a small machine (see BENCHMARKS.md); but
 * everything else on that network thread waits while it works, so only work that cannot block
 * runs there:
 * <ul>
 * <li>a pull at most {@code pullOnNetworkThreadMaxLag} messages behind its queue's end (it reads
 * recent, cached records or is held); one further behind may read the disk;</li>
 * <li>a single-message send to an existing, non-retry topic (no topic creation, which writes
 * metadata synchronously) while the commit log's active segment has room allocated for it (no
 * segment roll, no file write), if {@code sendOnNetworkThread}; batches, whose stored size grows
 * with their message count, go to the executor;</li>
 * <li>a producer's END_TRANSACTION (not a check-back's answer) for a half message among the last
 * {@value #RECENT_BYTES} bytes of the log (still cached, so reading it back does not touch the
 * disk) and pending at exactly that offset, with room allocated for its commit (the half's size),
 * if {@code sendOnNetworkThread}; any other offset goes to the executor, which looks the
 * transaction up by id or answers the error.</li>
 * </ul>
 * Thread-safe.
 */
public final class NetworkThreadRules {
    /** How far back in the log a half message is taken to be in the page cache. */
    static final long RECENT_BYTES = 64L << 20;
    /** Room for a send's properties and fixed fields on top of its body. */
    private static final int RECORD_MARGIN = 40 << 10;

    private final LogStore store;
    private final TopicRegistry topics;
    private final MessagingConfig config;
    private final LongPredicate pendingAt;

    /**
     * @param pendingAt whether a transaction is pending with its half at exactly this offset (an
     *                  END naming another offset is looked up by transaction id, anywhere in the log)
     */
    public NetworkThreadRules(LogStore store, TopicRegistry topics, MessagingConfig config, LongPredicate pendingAt) {
        this.store = store;
        this.topics = topics;
        this.config = config;
        this.pendingAt = pendingAt;
    }

    /** A pull of {@code queueOffset} in the given queue. */
    public boolean pull(String topic, int queueId, long queueOffset) {
        long maxLag = config.pullOnNetworkThreadMaxLag();
        return maxLag >= 0 && store.maxQueueOffset(topic, queueId) - queueOffset <= maxLag;
    }

    /** A single-message send of {@code bodyBytes} to {@code topic}. */
    public boolean send(String topic, int bodyBytes) {
        return config.sendOnNetworkThread() && !topic.startsWith(SystemTopics.RETRY_PREFIX)
                && topics.get(topic).isPresent() && store.appendWouldNotBlock(bodyBytes + RECORD_MARGIN);
    }

    /**
     * An END_TRANSACTION for the half message at {@code halfOffset}; its commit is about the half's
     * size (the half's fields with the transaction properties changed).
     */
    public boolean end(long halfOffset, boolean fromCheck) {
        long back = store.writtenOffset() - halfOffset;
        if (!config.sendOnNetworkThread() || fromCheck || halfOffset < 0 || back <= 0 || back > RECENT_BYTES) {
            return false;
        }
        if (!pendingAt.test(halfOffset)) {
            return false;
        }
        int halfSize = store.recordSize(halfOffset);
        return halfSize > 0 && store.appendWouldNotBlock(halfSize + RECORD_MARGIN);
    }
}
