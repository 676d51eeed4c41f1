package dev.halfmoon.broker;

import dev.halfmoon.log.meta.Codec;
import dev.halfmoon.remoting.Json;

/** Stores a value in RocksDB as its JSON body form. Thread-safe. */
public final class JsonCodec<T> implements Codec<T> {
    private final Class<T> type;

    public JsonCodec(Class<T> type) {
        this.type = type;
    }

    @Override
    public byte[] encode(T value) {
        return Json.encode(value);
    }

    @Override
    public T decode(byte[] bytes) {
        return Json.decode(bytes, type);
    }
}
