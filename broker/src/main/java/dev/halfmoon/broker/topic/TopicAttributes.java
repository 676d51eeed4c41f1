package dev.halfmoon.broker.topic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * RocketMQ 5's topic attributes, as {@code mqadmin updateTopic -a +message.type=TRANSACTION,-other} sends them: the
 * ones Halfmoon keeps, with the values it accepts. {@code message.type} is kept and shown (RocketMQ's remoting clients
 * do not act on it); {@code queue.type} and {@code cleanup.policy} are accepted with the one value Halfmoon has.
 * Stateless.
 */
public final class TopicAttributes {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "message.type", Set.of("UNSPECIFIED", "NORMAL", "FIFO", "DELAY", "TRANSACTION", "MIXED"),
            "queue.type", Set.of("SimpleCQ"),
            "cleanup.policy", Set.of("DELETE"));

    private TopicAttributes() {
    }

    /**
     * {@code current} changed by {@code changes} ({@code +key=value} sets, {@code -key} removes, comma-separated; null
     * or empty changes nothing).
     *
     * @throws IllegalArgumentException naming what is wrong: a malformed entry, an unknown key or value, a removal
     *                                  when the topic is being created
     */
    public static Map<String, String> apply(Map<String, String> current, String changes, boolean creating) {
        Map<String, String> result = new LinkedHashMap<>(current);
        if (changes == null || changes.isBlank()) {
            return result;
        }
        for (String entry : changes.split(",")) {
            String e = entry.trim();
            if (e.startsWith("+") && e.indexOf('=') > 1) {
                String key = e.substring(1, e.indexOf('='));
                String value = e.substring(e.indexOf('=') + 1);
                Set<String> values = allowed(key);
                if (!values.contains(value)) {
                    throw new IllegalArgumentException("attribute " + key + " takes " + values + " here, not '" + value + "'");
                }
                result.put(key, value);
            } else if (e.startsWith("-") && e.length() > 1 && e.indexOf('=') < 0) {
                if (creating) {
                    throw new IllegalArgumentException("a topic being created has no attribute to remove ('" + e + "')");
                }
                allowed(e.substring(1));
                result.remove(e.substring(1));
            } else {
                throw new IllegalArgumentException("attributes are +key=value or -key, comma-separated; not '" + e + "'");
            }
        }
        return result;
    }

    private static Set<String> allowed(String key) {
        Set<String> values = ALLOWED.get(key);
        if (values == null) {
            throw new IllegalArgumentException("unsupported topic attribute " + key + "; Halfmoon knows "
                    + new java.util.TreeSet<>(ALLOWED.keySet()));
        }
        return values;
    }
}
