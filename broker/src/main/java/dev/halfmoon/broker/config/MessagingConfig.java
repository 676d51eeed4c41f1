package dev.halfmoon.broker.config;

import dev.halfmoon.broker.delay.DelayLevels;

/**
 * Send, pull and client-handling settings. Immutable.
 *
 * @param autoCreateTopicEnable       create unknown topics on first send ({@code autoCreateTopicEnable})
 * @param defaultTopicQueueNums       queues of an auto-created topic ({@code defaultTopicQueueNums})
 * @param maxMessageSize              largest body accepted, bytes ({@code maxMessageSize})
 * @param autoCreateSubscriptionGroup create a consumer group's config on its first heartbeat
 * @param sendThreads                 send executor threads ({@code sendMessageThreadPoolNums})
 * @param pullThreads                 pull executor threads ({@code pullMessageThreadPoolNums})
 * @param longPollingEnable           hold pulls that find nothing ({@code longPollingEnable})
 * @param shortPollingTimeMills       hold time when long polling is off
 * @param maxPullBytes                bytes per pull response at most ({@code maxTransferBytesOnMessageInDisk})
 * @param channelExpiredTimeoutMs     a client silent this long is forgotten (120 000)
 * @param delayLevels                 delay levels ({@code messageDelayLevel})
 * @param lockExpiryMs                an ordered consumer's queue lock lapses after this long unrenewed
 *                                    ({@code rebalanceLockMaxLiveTime}, 60 000)
 * @param pullBatchWindowMicros       while messages keep arriving, held pulls are answered at most once per this
 *                                    window, so each answer carries more messages ({@code pullBatchWindowMicros}, 1 000)
 * @param pullOnNetworkThreadMaxLag   a pull at most this many messages behind its queue's end is answered on the
 *                                    network thread that read it (it reads recent, cached data or is held); one
 *                                    further behind goes to the pull executor, so a disk read never stalls a network
 *                                    thread; -1 sends every pull to the executor ({@code pullOnNetworkThreadMaxLag}, 1 024)
 * @param sendOnNetworkThread         sends and producers' END_TRANSACTIONs that cannot block (existing topic, space
 *                                    allocated in the log, recent half message) are processed on the network thread
 *                                    that read them, not on the send and end executors ({@code sendOnNetworkThread}, true)
 */
public record MessagingConfig(boolean autoCreateTopicEnable, int defaultTopicQueueNums, int maxMessageSize,
                              boolean autoCreateSubscriptionGroup, int sendThreads, int pullThreads,
                              boolean longPollingEnable, long shortPollingTimeMills, int maxPullBytes,
                              long channelExpiredTimeoutMs, DelayLevels delayLevels, long lockExpiryMs,
                              long pullBatchWindowMicros, long pullOnNetworkThreadMaxLag, boolean sendOnNetworkThread) {
}
