package dev.halfmoon.remoting.body;

/** A producer group in a heartbeat. */
public record ProducerData(String groupName) {
    public ProducerData {
        if (groupName == null || groupName.isBlank()) {
            throw new IllegalArgumentException("a producer in a heartbeat needs a groupName");
        }
    }
}
