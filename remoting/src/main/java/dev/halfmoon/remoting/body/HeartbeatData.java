package dev.halfmoon.remoting.body;

import java.util.Set;

/** HEART_BEAT's body: a client, the producer groups it sends for and the consumer groups it is in. */
public record HeartbeatData(String clientID, Set<ProducerData> producerDataSet, Set<ConsumerData> consumerDataSet) {
    public HeartbeatData {
        if (clientID == null || clientID.isBlank()) {
            throw new IllegalArgumentException("a heartbeat needs a clientID");
        }
        producerDataSet = producerDataSet == null ? Set.of() : Set.copyOf(producerDataSet);
        consumerDataSet = consumerDataSet == null ? Set.of() : Set.copyOf(consumerDataSet);
    }
}
