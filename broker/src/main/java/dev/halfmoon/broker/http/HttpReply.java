package dev.halfmoon.broker.http;

import dev.halfmoon.remoting.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP answer: status, content type and body. Errors are JSON {@code {"error": "..."}} so
 * scripts and the console read them the same way. Immutable.
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json; charset=utf-8";

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public HttpReply(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    public static HttpReply json(Object value) {
        return new HttpReply(200, JSON, Json.encode(value));
    }

    public static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply error(int status, String message) {
        return new HttpReply(status, JSON, Json.encode(Map.of("error", message)));
    }
}
