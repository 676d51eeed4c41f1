package dev.halfmoon.remoting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final ObjectMapper READER = Json.mapper();

    private HeaderCodec() {
    }

    /** Encodes the header of {@code cmd} in its serialize type, as an array (tests; frames use {@link #encode(RemotingCommand, ByteBuf)}). */
    static byte[] encode(RemotingCommand cmd) {
        ByteBuf out = Unpooled.buffer(256);
        encode(cmd, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** Appends the header of {@code cmd}, in its serialize type, to {@code out} (no intermediate copy). */
    public static void encode(RemotingCommand cmd, ByteBuf out) {
        if (cmd.serializeType() == SerializeType.ROCKETMQ) {
            encodeBinary(cmd, out);
        } else {
            encodeJson(cmd, out);
        }
    }

    private static void encodeJson(RemotingCommand cmd, ByteBuf out) {
        try (JsonGenerator g = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(out))) {
            g.writeStartObject();
            g.writeNumberField("code", cmd.code());
            if (cmd.extFields() != null) {
                g.writeObjectFieldStart("extFields");
                ExtFields ext = (ExtFields) cmd.extFields(); // (a command's always are; no null values)
                for (int i = 0; i < ext.size(); i++) {
                    g.writeStringField(ext.keyAt(i), ext.valueAt(i));
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
    }

    private static void encodeBinary(RemotingCommand cmd, ByteBuf out) {
        out.writeShort(cmd.code()).writeByte(cmd.language().code()).writeShort(cmd.version())
                .writeInt(cmd.opaque()).writeInt(cmd.flag());
        writeString(out, cmd.remark(), false);
        int extAt = out.writerIndex();
        out.writeInt(0);
        if (cmd.extFields() != null) {
            cmd.extFields().forEach((key, value) -> { // (no null keys or values: ExtFields keeps none)
                writeString(out, key, true);
                writeString(out, value, false);
            });
        }
        out.setInt(extAt, out.writerIndex() - extAt - 4);
    }

    /** A length (int16 if {@code shortLength}, else int32) and the UTF-8 bytes; null is length 0. */
    private static void writeString(ByteBuf out, String s, boolean shortLength) {
        int at = out.writerIndex();
        out.writeZero(shortLength ? 2 : 4);
        int n = s == null ? 0 : out.writeCharSequence(s, StandardCharsets.UTF_8);
        if (shortLength) {
            out.setShort(at, n);
        } else {
            out.setInt(at, n);
        }
    }

    /**
     * Decodes a header.
     *
     * @throws RemotingDecodeException if the bytes are not a header of that type
     */
    public static RemotingCommand decode(SerializeType type, byte[] header, byte[] body) {
        return type == SerializeType.ROCKETMQ ? decodeBinary(header, body) : decodeJson(header, body);
    }

    /**
     * As {@link #decode(SerializeType, byte[], byte[])}, reading the header where it is (a frame's slice): no copy of
     * it into an array of its own first, which every request paid.
     */
    static RemotingCommand decode(SerializeType type, ByteBuf header, byte[] body) {
        return type == SerializeType.ROCKETMQ ? decodeBinary(header.nioBuffer(), body)
                : decodeJson(() -> READER.createParser((java.io.InputStream) new ByteBufInputStream(header)), body);
    }

    /** Opens a JSON parser over a header, wherever it is. */
    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /**
     * Decodes a JSON header by streaming through it (no tree): it is parsed for every request a
     * 4.x client sends. Unknown properties are skipped; {@code extFields} values that are not
     * strings keep their JSON text, nulls are left out.
     */
    static RemotingCommand decodeJson(byte[] header, byte[] body) {
        return decodeJson(() -> READER.createParser(header), body);
    }

    private static RemotingCommand decodeJson(ParserSource header, byte[] body) {
        Integer code = null;
        String language = "JAVA";
        int version = 0;
        int opaque = 0;
        int flag = 0;
        String remark = null;
        Map<String, String> ext = null;
        try (JsonParser p = header.open()) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RemotingDecodeException("header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "code" -> code = value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue() : null;
                    case "extFields" -> ext = value == JsonToken.START_OBJECT ? extFields(p) : skip(p, null);
                    case "language" -> language = value.isScalarValue() ? p.getValueAsString("JAVA") : skip(p, "JAVA");
                    case "version" -> version = intValue(p, value);
                    case "opaque" -> opaque = intValue(p, value);
                    case "flag" -> flag = intValue(p, value);
                    case "remark" -> remark = value == JsonToken.VALUE_NULL ? null
                            : value.isScalarValue() ? p.getValueAsString() : READER.readTree(p).toString();
                    default -> p.skipChildren();
                }
                if (name.equals("code") && code == null) {
                    throw new RemotingDecodeException("header has no integer 'code'");
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new RemotingDecodeException("header is not a JSON object");
            }
        } catch (IOException e) {
            throw new RemotingDecodeException("header is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (code == null) {
            throw new RemotingDecodeException("header has no integer 'code'");
        }
        return new RemotingCommand(code, LanguageCode.named(language), version, opaque, flag, remark, ext, body, null,
                SerializeType.JSON);
    }

    private static ExtFields extFields(JsonParser p) throws IOException {
        ExtFields ext = new ExtFields(16); // a send carries 13 fields: no resize
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            ext.add(key, value.isScalarValue() ? p.getValueAsString() : READER.readTree(p).toString());
        }
        return ext;
    }

    private static int intValue(JsonParser p, JsonToken value) throws IOException {
        if (value.isStructStart()) {
            p.skipChildren();
            return 0;
        }
        return p.getValueAsInt(0);
    }

    private static <T> T skip(JsonParser p, T result) throws IOException {
        p.skipChildren();
        return result;
    }

    static RemotingCommand decodeBinary(byte[] header, byte[] body) {
        return decodeBinary(ByteBuffer.wrap(header), body);
    }

    private static RemotingCommand decodeBinary(ByteBuffer b, byte[] body) {
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
            ExtFields ext = null;
            if (extLength > 0) {
                ext = new ExtFields(16);
                int end = b.position() + extLength;
                while (b.position() < end) {
                    String key = string(b, b.getShort());
                    String value = string(b, b.getInt());
                    ext.add(key, value); // (not if either is null)
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
