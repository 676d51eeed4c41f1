package dev.halfmoon.client;

/** What a message handler says about a message. */
public enum ConsumeResult {
    /** Processed; move on. */
    SUCCESS,
    /** Not processed; deliver it again later (with the broker's backoff), up to the maximum reconsume times. */
    RETRY_LATER
}
