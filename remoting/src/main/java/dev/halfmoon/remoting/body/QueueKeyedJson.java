package dev.halfmoon.remoting.body;

import dev.halfmoon.remoting.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Writes maps keyed by message queue the way RocketMQ's fastjson does, with the queue object as
 * the key: {@code {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{...}}}}. This is not
 * standard JSON, but it is what the official admin tooling parses (ConsumeStats, TopicStatsTable,
 * ResetOffsetBody). Stateless.
 */
public final class QueueKeyedJson {
    private static final Comparator<MessageQueueRef> ORDER = Comparator.comparing(MessageQueueRef::topic)
            .thenComparing(MessageQueueRef::brokerName).thenComparingInt(MessageQueueRef::queueId);

    private QueueKeyedJson() {
    }

    /**
     * A JSON object with {@code fields} (standard) plus {@code tableName} holding the queue-keyed
     * map, fields in alphabetical order as fastjson writes them.
     */
    public static byte[] object(Map<String, Object> fields, String tableName, Map<MessageQueueRef, ?> table) {
        Map<String, String> parts = new TreeMap<>();
        fields.forEach((k, v) -> parts.put(k, json(v)));
        List<MessageQueueRef> queues = new ArrayList<>(table.keySet());
        queues.sort(ORDER);
        StringJoiner map = new StringJoiner(",", "{", "}");
        for (MessageQueueRef q : queues) {
            map.add(json(q) + ":" + json(table.get(q)));
        }
        parts.put(tableName, map.toString());
        StringJoiner out = new StringJoiner(",", "{", "}");
        parts.forEach((k, v) -> out.add("\"" + k + "\":" + v));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String json(Object value) {
        return new String(Json.encode(value), StandardCharsets.UTF_8);
    }
}
