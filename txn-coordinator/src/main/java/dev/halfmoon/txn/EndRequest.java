package dev.halfmoon.txn;

/**
 * An answer about one transaction. Immutable.
 *
 * @param producerGroup the group the answer comes from (checked against the half's group; ignored for ADMIN)
 * @param halfOffset    the half's commit-log offset, as the send response (or the check) named it
 * @param transactionId the transaction id (UNIQ_KEY), used when the offset is not known (may be null)
 * @param decision      commit, rollback or unknown
 * @param by            who answers
 */
public record EndRequest(String producerGroup, long halfOffset, String transactionId, Decision decision, Resolver by) {
}
