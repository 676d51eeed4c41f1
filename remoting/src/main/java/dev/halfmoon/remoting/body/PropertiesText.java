package dev.halfmoon.remoting.body;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * Settings as a Java properties text, what RocketMQ's tools parse (MixAll.string2Properties) from GET_BROKER_CONFIG and
 * GET_NAMESRV_CONFIG answers. Stateless.
 */
public final class PropertiesText {
    private PropertiesText() {
    }

    /**
     * A UTF-8 properties text (what mqadmin updateBrokerConfig sends) as a map, in no particular order.
     *
     * @throws IllegalArgumentException if it is not one (a malformed escape)
     */
    public static Map<String, String> decode(byte[] text) {
        Properties properties = new Properties();
        try {
            properties.load(new java.io.StringReader(new String(text, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // (a StringReader does not fail)
        }
        Map<String, String> values = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        return values;
    }

    /** {@code values} as UTF-8 properties text, escaped as the tools' parser expects. */
    public static byte[] encode(Map<String, String> values) {
        Properties properties = new Properties();
        properties.putAll(values);
        StringWriter text = new StringWriter();
        try {
            properties.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // (a StringWriter does not fail)
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
