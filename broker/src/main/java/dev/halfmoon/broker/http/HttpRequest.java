package dev.halfmoon.broker.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a handler needs of a request: method, decoded path, first value of each query parameter, the headers it
 * checks, where it came from and, with ACL on, the account it authenticated as (null before, or without ACL).
 * Immutable.
 */
public record HttpRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                          String remote, String account) {
    static HttpRequest of(FullHttpRequest msg, String remote) {
        QueryStringDecoder decoder = new QueryStringDecoder(msg.uri());
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
            query.put(e.getKey(), e.getValue().get(0));
        }
        Map<String, String> headers = new HashMap<>();
        msg.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        return new HttpRequest(msg.method().name(), decoder.path(), Map.copyOf(query), Map.copyOf(headers), remote, null);
    }

    /** This request, authenticated as {@code accessKey}. */
    HttpRequest as(String accessKey) {
        return new HttpRequest(method, path, query, headers, remote, accessKey);
    }

    /** A query parameter, or {@code fallback} when absent or blank. */
    public String param(String name, String fallback) {
        String v = query.get(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** An integer query parameter within {@code min..max}. */
    public int intParam(String name, int fallback, int min, int max) {
        String v = param(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new HttpException(400, name + " must be a whole number in " + min + ".." + max + ", was '" + v + "'");
    }
}
