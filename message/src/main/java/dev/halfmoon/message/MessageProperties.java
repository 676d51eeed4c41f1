package dev.halfmoon.message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties string of a record: {@code name \u0001 value} pairs joined by {@code \u0002}.
 *
 * <p>Reading follows RocketMQ's client exactly: a pair shorter than three characters, or one whose
 * separator is first or last (an empty name or value), is dropped. Writing skips null values.
 * Stateless; thread-safe.
 */
public final class MessageProperties {
    /** Between a name and its value. */
    public static final char NAME_VALUE_SEPARATOR = 1;
    /** Between two pairs. */
    public static final char PROPERTY_SEPARATOR = 2;

    private MessageProperties() {
    }

    /** Encodes {@code properties} (iteration order kept); null values are skipped. */
    public static String encode(Map<String, String> properties) {
        if (properties == null || properties.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(properties.size() * 24);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(PROPERTY_SEPARATOR);
            }
            sb.append(e.getKey()).append(NAME_VALUE_SEPARATOR).append(e.getValue());
        }
        return sb.toString();
    }

    /**
     * {@code properties} with the pair {@code name}={@code value} added at the end, without decoding it
     * (for hot paths). The caller makes sure {@code name} is not there yet, since the first of two pairs
     * of one name is the one {@link #find} sees.
     */
    public static String append(String properties, String name, String value) {
        if (properties == null || properties.isEmpty()) {
            return name + NAME_VALUE_SEPARATOR + value;
        }
        if (properties.charAt(properties.length() - 1) == PROPERTY_SEPARATOR) {
            return properties + name + NAME_VALUE_SEPARATOR + value;
        }
        return properties + PROPERTY_SEPARATOR + name + NAME_VALUE_SEPARATOR + value;
    }

    /** Decodes a properties string into a mutable map in string order. Never null. */
    public static Map<String, String> decode(String properties) {
        Map<String, String> map = new LinkedHashMap<>();
        if (properties == null || properties.isEmpty()) {
            return map;
        }
        int start = 0;
        int len = properties.length();
        while (start <= len) {
            int end = properties.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            if (end - start >= 3) {
                int sep = properties.indexOf(NAME_VALUE_SEPARATOR, start);
                if (sep > start && sep < end - 1) {
                    map.put(properties.substring(start, sep), properties.substring(sep + 1, end));
                }
            }
            start = end + 1;
        }
        return map;
    }

    /** Properties Halfmoon's broker writes for itself ({@code HM_} prefix); never taken from a client. */
    public static boolean isBrokerInternal(String name) {
        return name.startsWith("HM_");
    }

    /**
     * The value of one property, read straight from the string without building a map; null when
     * absent or empty.
     */
    public static String find(String properties, String name) {
        if (properties == null || properties.isEmpty()) {
            return null;
        }
        int from = 0;
        int len = properties.length();
        while (from < len) {
            int end = properties.indexOf(PROPERTY_SEPARATOR, from);
            if (end < 0) {
                end = len;
            }
            int nameEnd = from + name.length();
            if (nameEnd < end - 1 && properties.charAt(nameEnd) == NAME_VALUE_SEPARATOR
                    && properties.startsWith(name, from)) {
                return properties.substring(nameEnd + 1, end);
            }
            from = end + 1;
        }
        return null;
    }
}
