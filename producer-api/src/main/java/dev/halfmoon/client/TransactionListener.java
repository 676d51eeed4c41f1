package dev.halfmoon.client;

/**
 * The application's side of a transaction: runs the local transaction, and answers the broker's
 * check-backs for transactions whose outcome it never heard (the producer crashed, or answered
 * UNKNOWN). {@link JdbcOutbox#listener} is a ready-made one for JDBC databases.
 */
public interface TransactionListener {
    /**
     * Runs the local transaction for {@code message} (already stored as a half message, invisible to
     * consumers). Called on the sending thread. An exception counts as UNKNOWN and is logged.
     *
     * @param arg whatever the caller passed to {@link TransactionProducer#sendInTransaction}
     */
    TransactionOutcome executeLocal(Message message, Object arg);

    /**
     * Says what became of the local transaction of {@code message}. Called on the producer's check
     * pool, never on a sending thread. An exception counts as UNKNOWN.
     */
    TransactionOutcome check(MessageView message);

    /**
     * Refuses, before anything is sent, an {@code arg} that {@link #executeLocal} could not run with (it would
     * otherwise fail after the half message is stored, and the message would be rolled back by a check-back).
     *
     * @throws IllegalArgumentException if {@code arg} is not what this listener takes
     */
    default void checkArgument(Object arg) {
    }
}
