package dev.halfmoon.client;

import dev.halfmoon.message.Compression;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.message.SysFlag;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client's side of the wire format: SEND_MESSAGE_V2 headers, batch bodies, and the stored
 * records of pull and check-back bodies turned into {@link MessageView}s. Stateless.
 */
final class WireCodec {
    private WireCodec() {
    }

    /** The properties string of {@code message} with its unique id and {@code extra} added. */
    static String properties(Message message, String uniqueId, Map<String, String> extra) {
        Map<String, String> props = new LinkedHashMap<>(message.properties());
        props.put(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqueId);
        props.put(MessageProperty.WAIT_STORE_MSG_OK, "true");
        props.putAll(extra);
        return MessageProperties.encode(props);
    }

    /** A SEND_MESSAGE_V2 header (one-letter field names). */
    static Map<String, String> sendHeader(String group, String topic, int queueId, int sysFlag, String properties,
                                          boolean batch) {
        Map<String, String> h = new HashMap<>();
        h.put("a", group);
        h.put("b", topic);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", Integer.toString(queueId));
        h.put("f", Integer.toString(sysFlag));
        h.put("g", Long.toString(System.currentTimeMillis()));
        h.put("h", "0");
        h.put("i", properties);
        h.put("j", "0");
        h.put("k", "false");
        h.put("m", Boolean.toString(batch));
        return h;
    }

    /** A SEND_BATCH_MESSAGE body: each message as totalSize, magic 0, crc 0, flag, body, properties. */
    static byte[] batchBody(List<Message> messages, List<String> properties) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < messages.size(); i++) {
            byte[] body = messages.get(i).bodyUnsafe();
            byte[] props = properties.get(i).getBytes(StandardCharsets.UTF_8);
            int total = 4 + 4 + 4 + 4 + 4 + body.length + 2 + props.length;
            ByteBuffer b = ByteBuffer.allocate(total);
            b.putInt(total).putInt(0).putInt(0).putInt(0).putInt(body.length).put(body).putShort((short) props.length)
                    .put(props);
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    /** The records of a pull body, those whose tag is in {@code tags} (empty: all). Undecodable data ends the list. */
    static List<MessageView> records(byte[] body, String brokerName, Set<String> tags) {
        List<MessageView> views = new ArrayList<>();
        if (body == null) {
            return views;
        }
        ByteBuffer buffer = ByteBuffer.wrap(body);
        int at = 0;
        while (at < body.length) {
            RecordView record = RecordView.at(buffer, at);
            RecordView.Check check = record.check(false);
            if (check != RecordView.Check.OK) { // never skip what follows: the batch is pulled again
                throw new ClientException("a pulled batch holds an undecodable record at byte " + at + " of " + body.length
                        + " (" + check + ")");
            }
            MessageView view = view(record, brokerName);
            if (tags.isEmpty() || tags.contains(view.tag())) {
                views.add(view);
            }
            at += record.totalSize();
        }
        return views;
    }

    /**
     * A record as a message view: the original topic restored for a redelivery, the body decompressed; a body that
     * cannot be decompressed is kept as stored, with the reason in {@link MessageView#bodyProblem()}.
     */
    static MessageView view(RecordView record, String brokerName) {
        Map<String, String> props = record.properties();
        String topic = record.topic();
        if (topic.startsWith("%RETRY%") && props.containsKey(MessageProperty.RETRY_TOPIC)) {
            topic = props.get(MessageProperty.RETRY_TOPIC);
        }
        String offsetId = OffsetMessageId.encode(record.storeHostBytes(), record.physicalOffset());
        String id = props.getOrDefault(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, offsetId);
        byte[] body = record.bodyBytes();
        String problem = null;
        try {
            body = Compression.decompress(record.sysFlag(), body);
        } catch (java.io.IOException e) {
            problem = "compressed with " + Compression.name(Compression.kind(record.sysFlag())) + " and not decompressible ("
                    + e.getMessage() + ")";
        }
        return new MessageView(topic, body, props, id, offsetId, brokerName, record.queueId(), record.queueOffset(),
                record.reconsumeTimes(), record.bornTimestamp(), record.storeTimestamp(), problem);
    }
}
