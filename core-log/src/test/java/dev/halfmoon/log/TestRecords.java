package dev.halfmoon.log;

import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.RecordDraft;
import dev.halfmoon.message.RecordEncoder;
import dev.halfmoon.message.RecordView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds encoded records for tests. */
final class TestRecords {
    static final InetSocketAddress HOST = new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911);

    private TestRecords() {
    }

    static ByteBuffer record(String topic, int queueId, String body) {
        return record(topic, queueId, body, null, null);
    }

    static ByteBuffer record(String topic, int queueId, String body, String tags, String keys) {
        Map<String, String> props = new LinkedHashMap<>();
        if (tags != null) {
            props.put(MessageProperty.TAGS, tags);
        }
        if (keys != null) {
            props.put(MessageProperty.KEYS, keys);
        }
        return RecordEncoder.encode(new RecordDraft(topic, queueId, 0, 0, System.currentTimeMillis(), HOST, HOST, 0, 0,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), MessageProperties.encode(props)));
    }

    static String body(ByteBuffer record) {
        return StandardCharsets.UTF_8.decode(RecordView.of(record).body()).toString();
    }
}
