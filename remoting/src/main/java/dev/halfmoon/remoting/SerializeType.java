package dev.halfmoon.remoting;

/** How a frame's header is encoded: the high byte of the header word. */
public enum SerializeType {
    JSON((byte) 0),
    ROCKETMQ((byte) 1);

    private final byte code;

    SerializeType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The type for a header word's high byte, or null if unknown. */
    public static SerializeType of(byte code) {
        return code == 0 ? JSON : code == 1 ? ROCKETMQ : null;
    }
}
