package dev.halfmoon.remoting.body;

/** A producer group in a heartbeat. */
public record ProducerData(String groupName) {
}
