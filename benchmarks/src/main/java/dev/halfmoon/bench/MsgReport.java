package dev.halfmoon.bench;

/**
 * Figures of one plain-messaging run. Immutable.
 *
 * @param perSecond sync sends per second over the send phase
 * @param e2eP50Ms  send start to consumer receipt, p50
 * @param sendP99Ms one sync send, p99
 * @param received  messages the consumer got (first deliveries)
 * @param failed    sends that failed
 */
public record MsgReport(int messages, double perSecond, double e2eP50Ms, double e2eP99Ms, double e2eMaxMs, double sendP99Ms,
                        long received, long failed) {
}
