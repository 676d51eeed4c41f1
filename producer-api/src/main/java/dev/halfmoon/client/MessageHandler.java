package dev.halfmoon.client;

/**
 * Processes one delivered message. Called on the consumer's thread pool; for an ordered consumer,
 * one message of a queue at a time, in queue order. An exception counts as {@link ConsumeResult#RETRY_LATER}.
 */
@FunctionalInterface
public interface MessageHandler {
    ConsumeResult handle(MessageView message) throws Exception;
}
