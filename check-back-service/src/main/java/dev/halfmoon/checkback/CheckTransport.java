package dev.halfmoon.checkback;

import dev.halfmoon.txn.CheckRequest;

/**
 * How a check-back reaches a producer. Declared here so that the service never sees the network;
 * the broker implements it on its client connections. Implementations must not block: they hand
 * the request to the wire and return.
 */
@FunctionalInterface
public interface CheckTransport {
    /**
     * Sends a check-back to a live instance of the transaction's producer group, preferring the
     * instance that sent the half message.
     */
    Delivery send(CheckRequest request);

    /**
     * Why no check-back of {@code producerGroup} could leave now (no live producer, or every one busy), or
     * null if one may: asked before the half message is read, so that a check that cannot leave costs little.
     */
    default String unreachable(String producerGroup) {
        return null;
    }

    /** Whether no producer of {@code producerGroup} is connected at all (not merely busy answering). */
    default boolean absent(String producerGroup) {
        return false;
    }

    /**
     * Whether a check-back left. Immutable.
     *
     * @param sent   true if it was written to a producer's connection
     * @param target the instance asked ({@code clientId@ip:port}) when sent
     * @param reason why not, when not sent ("no live producer in group PG")
     */
    record Delivery(boolean sent, String target, String reason) {
        public static Delivery sentTo(String target) {
            return new Delivery(true, target, null);
        }

        public static Delivery notSent(String reason) {
            return new Delivery(false, null, reason);
        }
    }
}
