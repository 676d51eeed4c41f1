package dev.halfmoon.txn;

/**
 * One check-back sent to a producer. Immutable.
 *
 * @param number   1 for the first check
 * @param atMs     when it was sent
 * @param target   the producer instance asked ({@code clientId@address})
 */
public record CheckAttempt(int number, long atMs, String target) {
}
