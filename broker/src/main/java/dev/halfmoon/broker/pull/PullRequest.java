package dev.halfmoon.broker.pull;

/**
 * A decoded PULL_MESSAGE. Immutable.
 *
 * @param group           consumer group
 * @param topic           topic pulled
 * @param queueId         queue pulled
 * @param queueOffset     first offset wanted
 * @param maxMsgNums      most records wanted
 * @param sysFlag         {@code PullSysFlag} bits: 1 commit offset, 2 suspend allowed, 4 subscription in header
 * @param commitOffset    offset to commit along (bit 1)
 * @param suspendMs       how long the client lets the broker hold the pull
 * @param subscription    tag expression when bit 4 is set
 * @param expressionType  "TAG" or "SQL92"
 * @param maxMsgBytes     byte budget, or 0 for the broker's default
 */
public record PullRequest(String group, String topic, int queueId, long queueOffset, int maxMsgNums, int sysFlag,
                          long commitOffset, long suspendMs, String subscription, String expressionType, int maxMsgBytes) {
    public static final int FLAG_COMMIT_OFFSET = 0x1;
    public static final int FLAG_SUSPEND = 0x2;
    public static final int FLAG_SUBSCRIPTION = 0x4;

    public boolean commitsOffset() {
        return (sysFlag & FLAG_COMMIT_OFFSET) != 0;
    }

    public boolean mayHold() {
        return (sysFlag & FLAG_SUSPEND) != 0;
    }

    public boolean carriesSubscription() {
        return (sysFlag & FLAG_SUBSCRIPTION) != 0;
    }

    /** The same pull, not to be held again. */
    public PullRequest withoutSuspend() {
        return new PullRequest(group, topic, queueId, queueOffset, maxMsgNums, sysFlag & ~FLAG_SUSPEND, commitOffset,
                suspendMs, subscription, expressionType, maxMsgBytes);
    }
}
