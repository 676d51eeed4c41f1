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

    /**
     * Reads the queue-keyed map {@code tableName} back (what {@link #object} writes, and what
     * RocketMQ brokers send), in queue order.
     *
     * @throws dev.halfmoon.remoting.RemotingDecodeException if the body has no such table or is malformed
     */
    @SuppressWarnings("unchecked")
    public static Map<MessageQueueRef, Map<String, Object>> parse(byte[] body, String tableName) {
        Map<MessageQueueRef, Map<String, Object>> table = new TreeMap<>(ORDER);
        values(body, tableName).forEach((q, v) -> {
            if (!(v instanceof Map)) {
                throw new dev.halfmoon.remoting.RemotingDecodeException(tableName + " of " + q + " is not an object");
            }
            table.put(q, (Map<String, Object>) v);
        });
        return table;
    }

    /**
     * Reads a queue-keyed map of offsets ({@code {"offsetTable":{{queue}:12,...}}}: ResetOffsetBody, what a broker
     * sends consumers with RESET_CONSUMER_CLIENT_OFFSET), in queue order.
     *
     * @throws dev.halfmoon.remoting.RemotingDecodeException if the body has no such table or is malformed
     */
    public static Map<MessageQueueRef, Long> parseOffsets(byte[] body, String tableName) {
        Map<MessageQueueRef, Long> table = new TreeMap<>(ORDER);
        values(body, tableName).forEach((q, v) -> {
            if (!(v instanceof Number n)) {
                throw new dev.halfmoon.remoting.RemotingDecodeException(tableName + " of " + q + " is not a number");
            }
            table.put(q, n.longValue());
        });
        return table;
    }

    private static Map<MessageQueueRef, Object> values(byte[] body, String tableName) {
        String text = new String(body, StandardCharsets.UTF_8);
        String marker = "\"" + tableName + "\":";
        int at = text.indexOf(marker);
        if (at < 0) {
            throw new dev.halfmoon.remoting.RemotingDecodeException("body has no " + tableName);
        }
        Map<MessageQueueRef, Object> table = new TreeMap<>(ORDER);
        int i = skipSpace(text, at + marker.length());
        expect(text, i, '{');
        i = skipSpace(text, i + 1);
        while (text.charAt(i) != '}') {
            int keyEnd = objectEnd(text, i);
            MessageQueueRef key = Json.decode(text.substring(i, keyEnd).getBytes(StandardCharsets.UTF_8), MessageQueueRef.class);
            i = skipSpace(text, keyEnd);
            expect(text, i, ':');
            i = skipSpace(text, i + 1);
            int valueEnd = text.charAt(i) == '{' ? objectEnd(text, i) : scalarEnd(text, i);
            table.put(key, Json.decode(text.substring(i, valueEnd).getBytes(StandardCharsets.UTF_8), Object.class));
            i = skipSpace(text, valueEnd);
            if (text.charAt(i) == ',') {
                i = skipSpace(text, i + 1);
            }
        }
        return table;
    }

    /** Index just past a number (or true, false, null) starting at {@code start}. */
    private static int scalarEnd(String text, int start) {
        int i = start;
        while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '}' && !Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            throw new dev.halfmoon.remoting.RemotingDecodeException("queue-keyed table: expected a value at " + start);
        }
        return i;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i >= text.length()) {
            throw new dev.halfmoon.remoting.RemotingDecodeException("queue-keyed table ends early");
        }
        return i;
    }

    private static void expect(String text, int i, char c) {
        if (text.charAt(i) != c) {
            throw new dev.halfmoon.remoting.RemotingDecodeException("queue-keyed table: expected '" + c + "' at " + i);
        }
    }

    /** Index just past the JSON object starting at {@code start}, honouring strings. */
    private static int objectEnd(String text, int start) {
        expect(text, start, '{');
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i + 1;
            }
        }
        throw new dev.halfmoon.remoting.RemotingDecodeException("queue-keyed table: unterminated object");
    }
}
