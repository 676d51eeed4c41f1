package dev.halfmoon.bench;

/**
 * Figures of one transaction run. Immutable.
 *
 * @param transactions     transactions sent
 * @param perSecond        transactions per second (half + local transaction + end), over the send phase
 * @param completedPerSecond transactions per second from the first send to the delivery of the last message committed
 *                         on send (its END, one way from the official client, taken and applied; NaN if one is missing)
 * @param e2eP50Ms         end-to-end latency (send start to consumer receipt) of messages committed on send, p50
 * @param e2eP99Ms         same, p99
 * @param e2eMaxMs         same, max
 * @param checkP50Ms       first check-back delay after the transaction's deadline (counted from the send's start, so
 *                         at most the send's time too long), p50
 * @param checkP99Ms       same, p99
 * @param missing          committed transactions never received
 * @param rolledBackSeen   rolled-back transactions received (must be 0)
 * @param duplicates       deliveries beyond the first (must be 0)
 * @param rssMib           broker resident memory after the run, MiB (-1 if unknown)
 * @param startMs          broker start to routable, ms (-1 if not started here)
 * @param msgsPerDelivery  messages the consumer's listener got per call (each call holds what one pull brought,
 *                         up to 32): how many messages the consumer's client pays one pull for
 */
public record TxReport(int transactions, double perSecond, double completedPerSecond, double e2eP50Ms, double e2eP99Ms, double e2eMaxMs,
                       double checkP50Ms, double checkP99Ms, long missing, long rolledBackSeen, long duplicates,
                       long rssMib, long startMs, double msgsPerDelivery) {
}
