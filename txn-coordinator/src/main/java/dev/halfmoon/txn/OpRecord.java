package dev.halfmoon.txn;

/**
 * A decoded op record. Immutable.
 *
 * @param kind       what happened
 * @param halfOffset the half message it is about
 * @param by         who resolved it (END, CHECK, ADMIN, POLICY) or the producer asked (CHECK)
 * @param count      the check count (CHECK)
 * @param next       when the next check is due (CHECK), ms
 * @param atMs       store time of the op record
 */
public record OpRecord(OpKind kind, long halfOffset, String by, long count, long next, long atMs) {
}
