package dev.halfmoon.remoting;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON for remoting bodies, in the shape RocketMQ's fastjson produces and accepts: properties in
 * alphabetical order, nulls left out, enums by name, map entries sorted; on input, unknown
 * properties ignored and unquoted field names (fastjson's {@code {0:"addr"}}) accepted.
 * Thread-safe.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonParser.Feature.ALLOW_COMMENTS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Encodes {@code value} as UTF-8 JSON. */
    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Decodes {@code bytes} as {@code type}.
     *
     * @throws RemotingDecodeException with the parser's message if the body is not such JSON
     */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new RemotingDecodeException("expected a JSON " + type.getSimpleName() + " body, got none");
        }
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new RemotingDecodeException("body is not a valid " + type.getSimpleName() + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
