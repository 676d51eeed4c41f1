package dev.halfmoon.client;

import dev.halfmoon.remoting.body.BrokerData;
import dev.halfmoon.remoting.body.Perm;
import dev.halfmoon.remoting.body.QueueData;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's route as the client uses it: the queues it may write and read, and the master
 * address of each broker. Immutable.
 */
record TopicRoute(List<QueueRef> writable, List<QueueRef> readable, Map<String, String> masters) {
    static TopicRoute of(String topic, TopicRouteData data) {
        Map<String, String> masters = new HashMap<>();
        for (BrokerData b : data.brokerDatas()) {
            if (b.masterAddress() != null) {
                masters.put(b.brokerName(), b.masterAddress());
            }
        }
        List<QueueRef> writable = new ArrayList<>();
        List<QueueRef> readable = new ArrayList<>();
        List<QueueData> queues = new ArrayList<>(data.queueDatas());
        queues.sort(Comparator.comparing(QueueData::brokerName));
        for (QueueData q : queues) {
            if (!masters.containsKey(q.brokerName())) {
                continue;
            }
            if (Perm.writable(q.perm())) {
                for (int i = 0; i < q.writeQueueNums(); i++) {
                    writable.add(new QueueRef(topic, q.brokerName(), i));
                }
            }
            if (Perm.readable(q.perm())) {
                for (int i = 0; i < q.readQueueNums(); i++) {
                    readable.add(new QueueRef(topic, q.brokerName(), i));
                }
            }
        }
        return new TopicRoute(List.copyOf(writable), List.copyOf(readable), Map.copyOf(masters));
    }
}
