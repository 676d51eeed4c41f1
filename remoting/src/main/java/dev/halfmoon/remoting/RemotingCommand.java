package dev.halfmoon.remoting;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One request or response of the remoting protocol. Immutable: the {@code with...} methods return
 * copies. The body is either a byte array or, for responses assembled from stored records without
 * copying, a list of read-only buffers sent back to back.
 *
 * <p>{@code flag} bit 0 marks a response, bit 1 a oneway request. {@code opaque} matches a response
 * to its request. {@code extFields} is the custom header: every value a string.
 */
public final class RemotingCommand {
    public static final int FLAG_RESPONSE = 1;
    public static final int FLAG_ONEWAY = 2;
    /** The version we announce: RocketMQ 4.9.8 ({@code MQVersion.Version.V4_9_8}). */
    public static final int VERSION = 409;

    private static final ByteBuffer[] NO_PARTS = new ByteBuffer[0];

    private final int code;
    private final LanguageCode language;
    private final int version;
    private final int opaque;
    private final int flag;
    private final String remark;
    private final Map<String, String> extFields;
    private final byte[] body;
    private final ByteBuffer[] bodyParts;
    private final SerializeType serializeType;

    RemotingCommand(int code, LanguageCode language, int version, int opaque, int flag, String remark,
                    Map<String, String> extFields, byte[] body, ByteBuffer[] bodyParts, SerializeType serializeType) {
        this.code = code;
        this.language = language;
        this.version = version;
        this.opaque = opaque;
        this.flag = flag;
        this.remark = remark;
        this.extFields = extFields == null ? null : extFields instanceof ExtFields e ? e : ExtFields.copyOf(extFields, 0);
        this.body = body;
        this.bodyParts = bodyParts == null ? NO_PARTS : bodyParts;
        this.serializeType = serializeType == null ? SerializeType.JSON : serializeType;
    }

    /** A request with a custom header (may be null) and a body (may be null); the opaque is set when sent. */
    public static RemotingCommand request(int code, Map<String, String> extFields, byte[] body) {
        return new RemotingCommand(code, LanguageCode.JAVA, VERSION, 0, 0, null,
                extFields == null ? null : ExtFields.copyOf(extFields, 0), body, null, SerializeType.JSON);
    }

    /** A response to {@code request}: same opaque and header encoding, response flag set, no header fields. */
    public static RemotingCommand response(RemotingCommand request, int code, String remark) {
        return new RemotingCommand(code, LanguageCode.JAVA, VERSION, request.opaque, FLAG_RESPONSE, remark,
                ExtFields.EMPTY, null, null, request.serializeType);
    }

    /** A response that is not tied to a decoded request (framework errors). */
    public static RemotingCommand response(int opaque, int code, String remark) {
        return new RemotingCommand(code, LanguageCode.JAVA, VERSION, opaque, FLAG_RESPONSE, remark, ExtFields.EMPTY,
                null, null, SerializeType.JSON);
    }

    public int code() {
        return code;
    }

    public LanguageCode language() {
        return language;
    }

    public int version() {
        return version;
    }

    public int opaque() {
        return opaque;
    }

    public int flag() {
        return flag;
    }

    /** Free text, mostly an error message; null on success. */
    public String remark() {
        return remark;
    }

    /** The custom header (unmodifiable), or null if the frame had none. */
    public Map<String, String> extFields() {
        return extFields;
    }

    /** One custom-header field, or null. */
    public String ext(String name) {
        return extFields == null ? null : extFields.get(name);
    }

    public SerializeType serializeType() {
        return serializeType;
    }

    public boolean isResponse() {
        return (flag & FLAG_RESPONSE) != 0;
    }

    public boolean isOneway() {
        return (flag & FLAG_ONEWAY) != 0;
    }

    /** The body as one array (joining parts if needed); null if there is none. */
    public byte[] body() {
        if (body != null || bodyParts.length == 0) {
            return body;
        }
        ByteBuffer joined = ByteBuffer.allocate(bodyLength());
        for (ByteBuffer part : bodyParts) {
            joined.put(part.duplicate());
        }
        return joined.array();
    }

    /** The body's parts when it was built from buffers; empty otherwise. */
    public ByteBuffer[] bodyParts() {
        return bodyParts.clone();
    }

    public int bodyLength() {
        if (body != null) {
            return body.length;
        }
        int n = 0;
        for (ByteBuffer part : bodyParts) {
            n += part.remaining();
        }
        return n;
    }

    public RemotingCommand withOpaque(int newOpaque) {
        return new RemotingCommand(code, language, version, newOpaque, flag, remark, extFields, body, bodyParts,
                serializeType);
    }

    public RemotingCommand asOneway() {
        return new RemotingCommand(code, language, version, opaque, flag | FLAG_ONEWAY, remark, extFields, body,
                bodyParts, serializeType);
    }

    public RemotingCommand withRemark(String newRemark) {
        return new RemotingCommand(code, language, version, opaque, flag, newRemark, extFields, body, bodyParts,
                serializeType);
    }

    /** A copy with these header fields added (null values are left out). */
    public RemotingCommand withExt(Map<String, String> fields) {
        ExtFields merged = ExtFields.copyOf(extFields, fields.size());
        fields.forEach(merged::add); // (null values are left out)
        return withFields(merged);
    }

    /** A copy with one header field added (a null value is left out). */
    public RemotingCommand withExt(String name, Object value) {
        if (value == null) {
            return this;
        }
        ExtFields merged = ExtFields.copyOf(extFields, 1);
        merged.add(name, value.toString());
        return withFields(merged);
    }

    private RemotingCommand withFields(ExtFields fields) {
        return new RemotingCommand(code, language, version, opaque, flag, remark, fields, body, bodyParts, serializeType);
    }

    public RemotingCommand withBody(byte[] newBody) {
        return new RemotingCommand(code, language, version, opaque, flag, remark, extFields, newBody, null,
                serializeType);
    }

    /** A copy whose body is these buffers back to back, sent without copying. */
    public RemotingCommand withBodyParts(ByteBuffer... parts) {
        return new RemotingCommand(code, language, version, opaque, flag, remark, extFields, null, parts.clone(),
                serializeType);
    }

    public RemotingCommand withSerializeType(SerializeType type) {
        return new RemotingCommand(code, language, version, opaque, flag, remark, extFields, body, bodyParts, type);
    }

    @Override
    public String toString() {
        return (isResponse() ? "response" : isOneway() ? "oneway" : "request") + "[code=" + code + ", opaque=" + opaque
                + (remark == null ? "" : ", remark=" + remark) + ", ext=" + extFields + ", body=" + bodyLength() + "B]";
    }
}
