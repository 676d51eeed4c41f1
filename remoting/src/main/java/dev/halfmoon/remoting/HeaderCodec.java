package dev.halfmoon.remoting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes and decodes a command's header in both of RocketMQ's encodings.
 *
 * <p>JSON: fastjson's shape, properties in alphabetical order, {@code remark} left out when null,
 * every {@code extFields} value a string. ROCKETMQ (binary):
 * <pre>
 * code int16 | language byte | version int16 | opaque int32 | flag int32
 * | remarkLength int32 | remark UTF-8 | extLength int32 | (keyLength int16, key, valueLength int32, value)*
 * </pre>
 * Stateless; thread-safe.
 */
public final class HeaderCodec {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = Json.mapper();

    private HeaderCodec() {
    }

    /** Encodes the header of {@code cmd} in its serialize type. */
    public static byte[] encode(RemotingCommand cmd) {
        return cmd.serializeType() == SerializeType.ROCKETMQ ? encodeBinary(cmd) : encodeJson(cmd);
    }

    static byte[] encodeJson(RemotingCommand cmd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("code", cmd.code());
            if (cmd.extFields() != null) {
                g.writeObjectFieldStart("extFields");
                for (Map.Entry<String, String> e : cmd.extFields().entrySet()) {
                    if (e.getValue() != null) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                }
                g.writeEndObject();
            }
            g.writeNumberField("flag", cmd.flag());
            g.writeStringField("language", cmd.language().name());
            g.writeNumberField("opaque", cmd.opaque());
            if (cmd.remark() != null) {
                g.writeStringField("remark", cmd.remark());
            }
            g.writeStringField("serializeTypeCurrentRPC", "JSON");
            g.writeNumberField("version", cmd.version());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] encodeBinary(RemotingCommand cmd) {
        byte[] remark = cmd.remark() == null ? new byte[0] : cmd.remark().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        if (cmd.extFields() != null) {
            for (Map.Entry<String, String> e : cmd.extFields().entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    continue;
                }
                byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
                ByteBuffer entry = ByteBuffer.allocate(2 + k.length + 4 + v.length);
                entry.putShort((short) k.length).put(k).putInt(v.length).put(v);
                ext.writeBytes(entry.array());
            }
        }
        byte[] extBytes = ext.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(2 + 1 + 2 + 4 + 4 + 4 + remark.length + 4 + extBytes.length);
        b.putShort((short) cmd.code()).put(cmd.language().code()).putShort((short) cmd.version())
                .putInt(cmd.opaque()).putInt(cmd.flag()).putInt(remark.length).put(remark)
                .putInt(extBytes.length).put(extBytes);
        return b.array();
    }

    /**
     * Decodes a header.
     *
     * @throws RemotingDecodeException if the bytes are not a header of that type
     */
    public static RemotingCommand decode(SerializeType type, byte[] header, byte[] body) {
        return type == SerializeType.ROCKETMQ ? decodeBinary(header, body) : decodeJson(header, body);
    }

    static RemotingCommand decodeJson(byte[] header, byte[] body) {
        JsonNode node;
        try {
            node = READER.readTree(header);
        } catch (IOException e) {
            throw new RemotingDecodeException("header is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (node == null || !node.isObject()) {
            throw new RemotingDecodeException("header is not a JSON object");
        }
        JsonNode code = node.get("code");
        if (code == null || !code.canConvertToInt()) {
            throw new RemotingDecodeException("header has no integer 'code'");
        }
        Map<String, String> ext = null;
        JsonNode extNode = node.get("extFields");
        if (extNode != null && extNode.isObject()) {
            ext = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = extNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNull()) {
                    ext.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
                }
            }
        }
        JsonNode remark = node.get("remark");
        return new RemotingCommand(code.asInt(), LanguageCode.named(node.path("language").asText("JAVA")),
                node.path("version").asInt(0), node.path("opaque").asInt(0), node.path("flag").asInt(0),
                remark == null || remark.isNull() ? null : remark.asText(), ext, body, null, SerializeType.JSON);
    }

    static RemotingCommand decodeBinary(byte[] header, byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(header);
        try {
            int code = b.getShort();
            LanguageCode language = LanguageCode.of(b.get());
            int version = b.getShort();
            int opaque = b.getInt();
            int flag = b.getInt();
            String remark = string(b, b.getInt());
            int extLength = b.getInt();
            if (extLength < 0 || extLength > b.remaining()) {
                throw new RemotingDecodeException("extFields length " + extLength + " exceeds the header");
            }
            Map<String, String> ext = null;
            if (extLength > 0) {
                ext = new HashMap<>();
                int end = b.position() + extLength;
                while (b.position() < end) {
                    String key = string(b, b.getShort());
                    String value = string(b, b.getInt());
                    if (key != null && value != null) {
                        ext.put(key, value);
                    }
                }
            }
            return new RemotingCommand(code, language, version, opaque, flag, remark, ext, body, null,
                    SerializeType.ROCKETMQ);
        } catch (java.nio.BufferUnderflowException e) {
            throw new RemotingDecodeException("binary header is truncated", e);
        }
    }

    private static String string(ByteBuffer b, int length) {
        if (length < 0 || length > b.remaining()) {
            throw new RemotingDecodeException("string length " + length + " exceeds the header");
        }
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
