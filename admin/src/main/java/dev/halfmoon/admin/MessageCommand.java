package dev.halfmoon.admin;

import static dev.halfmoon.admin.Output.row;

import dev.halfmoon.message.Compression;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.RecordView;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code message show|find}: read stored messages by id or key. */
@Command(name = "message", description = "Stored messages: show one by id, find by key.", mixinStandardHelpOptions = true,
        footer = ExitCodes.HELP)
final class MessageCommand {
    private static final int SHORT_BODY = 60;

    @ParentCommand
    AdminMain root;

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One message: by its offset message id, or by its message id (UNIQ_KEY) with --topic.")
    int show(@Parameters(paramLabel = "ID") String id,
             @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to search when ID is a producer's message id.") String topic,
             @Option(names = "--full-body", description = "Print the whole body (default: first 4 KiB).") boolean fullBody) {
        List<Map<String, Object>> found = byOffsetId(id);
        if (found.isEmpty()) {
            if (topic == null) {
                throw AdminException.failed(id + " is not the offset message id of a known broker; give --topic to look it "
                        + "up as a producer's message id");
            }
            found = query(topic, id, true, 1).messages();
        }
        if (found.isEmpty()) {
            throw AdminException.failed("no message " + id + (topic == null ? "" : " in topic " + topic));
        }
        Map<String, Object> m = found.get(0);
        String body = (String) m.get("body");
        if (!fullBody && body.length() > 4096) {
            m.put("body", body.substring(0, 4096) + "... (" + body.length() + " characters; --full-body prints all)");
        }
        root.output().object(m);
        return ExitCodes.OK;
    }

    @Command(name = "find", mixinStandardHelpOptions = true, description = "Messages of a topic with a key (a word of KEYS).")
    int find(@Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic to search.") String topic,
             @Option(names = "--key", paramLabel = "KEY", required = true, description = "A key the producer set (one word of KEYS).") String key,
             @Option(names = "--max", paramLabel = "N", defaultValue = "32", description = "At most this many per broker (default ${DEFAULT-VALUE}).")
             int max) {
        Found result = query(topic, key, false, max);
        List<Map<String, Object>> found = result.messages();
        Output out = root.output();
        if (out.json()) {
            out.print(found);
            return result.exitCode();
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> m : found) {
            String body = (String) m.get("body");
            rows.add(row("offsetMsgId", m.get("offsetMsgId"), "queue", m.get("queueId"), "queueOffset", m.get("queueOffset"),
                    "stored", m.get("storeTime"), "keys", m.get("keys"), "tags", m.get("tags"),
                    "body", body.length() > SHORT_BODY ? body.substring(0, SHORT_BODY) + "..." : body));
        }
        out.table(List.of("offsetMsgId", "queue", "queueOffset", "stored", "keys", "tags", "body"), rows);
        root.tell(rows.size() + " found");
        return result.exitCode();
    }

    /** The message if {@code id} decodes to an offset on a broker we know; empty otherwise. */
    private List<Map<String, Object>> byOffsetId(String id) {
        OffsetMessageId parsed;
        try {
            parsed = OffsetMessageId.parse(id);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        AdminClient.BrokerRef broker = root.client().brokers().stream().filter(b -> sameAddress(b.address(),
                parsed.storeHost())).findFirst().orElse(null);
        if (broker == null) {
            return List.of();
        }
        RemotingCommand r = AdminClient.expect(broker.address(), root.client().exchange(broker.address(),
                RequestCode.VIEW_MESSAGE_BY_ID, Map.of("offset", Long.toString(parsed.commitLogOffset())), null),
                ResponseCode.SUCCESS, ResponseCode.SYSTEM_ERROR);
        if (r.code() != ResponseCode.SUCCESS) { // the id names this broker: say what it found there, not that the id is bad
            throw AdminException.failed("no message at commit-log offset " + parsed.commitLogOffset() + " on "
                    + broker.name() + " (" + broker.address() + "): " + r.remark());
        }
        return decode(r.body());
    }

    /** Whether {@code address} ({@code host:port}, a name or an IP) is {@code stored}, the broker an id names. */
    private static boolean sameAddress(String address, java.net.InetSocketAddress stored) {
        int colon = address.lastIndexOf(':');
        try {
            return Integer.parseInt(address.substring(colon + 1)) == stored.getPort() && java.util.Arrays.asList(
                    java.net.InetAddress.getAllByName(address.substring(0, colon))).contains(stored.getAddress());
        } catch (java.net.UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** Messages found, and the command's exit code: {@link ExitCodes#PARTIAL} if some broker could not be asked. */
    private record Found(List<Map<String, Object>> messages, int exitCode) {
    }

    private Found query(String topic, String key, boolean uniqueKey, int max) {
        AdminClient.Reached<Optional<List<Map<String, Object>>>> reached = root.client().eachMaster(b -> queryOne(b, topic,
                key, uniqueKey, max));
        if (reached.answers().stream().allMatch(a -> a.getValue().isEmpty())) {
            throw AdminException.failed("no topic " + topic + " on " + (reached.unreachable().isEmpty() ? "any broker"
                    : "the brokers that answered; could not reach " + String.join(", ", reached.unreachable())));
        }
        List<Map<String, Object>> found = new ArrayList<>();
        reached.answers().forEach(a -> a.getValue().ifPresent(found::addAll));
        return new Found(found, root.finish(reached));
    }

    /** What one broker has of {@code topic} under {@code key}; empty if it does not have the topic. */
    private Optional<List<Map<String, Object>>> queryOne(AdminClient.BrokerRef b, String topic, String key,
                                                         boolean uniqueKey, int max) {
        RemotingCommand exists = AdminClient.expect(b.address(), root.client().exchange(b.address(),
                RequestCode.GET_TOPIC_CONFIG, Map.of("topic", topic), null), ResponseCode.SUCCESS, ResponseCode.TOPIC_NOT_EXIST);
        if (exists.code() == ResponseCode.TOPIC_NOT_EXIST) {
            return Optional.empty();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("topic", topic);
        headers.put("key", key);
        headers.put("maxNum", Integer.toString(max));
        headers.put("beginTimestamp", "0");
        headers.put("endTimestamp", Long.toString(Long.MAX_VALUE));
        if (uniqueKey) {
            headers.put("_UNIQUE_KEY_QUERY", "true");
        }
        RemotingCommand r = AdminClient.expect(b.address(), root.client().exchange(b.address(), RequestCode.QUERY_MESSAGE,
                headers, null), ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND);
        return Optional.of(r.code() == ResponseCode.SUCCESS ? decode(r.body()) : List.of());
    }

    /** Every record in a body of concatenated stored messages. */
    static List<Map<String, Object>> decode(byte[] body) {
        ByteBuffer buffer = ByteBuffer.wrap(body);
        List<Map<String, Object>> messages = new ArrayList<>();
        int position = 0;
        while (position < body.length) {
            RecordView v = RecordView.at(buffer, position);
            if (v.check(false) != RecordView.Check.OK) {
                throw AdminException.failed("the broker sent a malformed message at byte " + position);
            }
            messages.add(describe(v));
            position += v.totalSize();
        }
        return messages;
    }

    private static Map<String, Object> describe(RecordView v) {
        Map<String, String> props = v.properties();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msgId", props.get(MessageProperty.UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
        m.put("offsetMsgId", OffsetMessageId.encode(v.storeHostBytes(), v.physicalOffset()));
        m.put("topic", v.topic());
        m.put("tags", props.get(MessageProperty.TAGS));
        m.put("keys", props.get(MessageProperty.KEYS));
        m.put("queueId", v.queueId());
        m.put("queueOffset", v.queueOffset());
        m.put("commitLogOffset", v.physicalOffset());
        m.put("bornHost", v.bornHost().getAddress().getHostAddress() + ":" + v.bornHost().getPort());
        m.put("bornTime", Instant.ofEpochMilli(v.bornTimestamp()).toString());
        m.put("storeTime", Instant.ofEpochMilli(v.storeTimestamp()).toString());
        m.put("reconsumeTimes", v.reconsumeTimes());
        m.put("properties", props);
        m.put("bodyBytes", v.bodyLength());
        int compression = Compression.kind(v.sysFlag());
        if (compression == 0) {
            m.put("body", text(v.bodyBytes()));
            return m;
        }
        m.put("compression", Compression.name(compression));
        try {
            m.put("body", text(Compression.decompress(v.sysFlag(), v.bodyBytes())));
        } catch (java.io.IOException e) {
            m.put("body", text(v.bodyBytes()));
            m.put("bodyProblem", "does not decompress: " + e.getMessage());
        }
        return m;
    }

    /** UTF-8 text if the body is valid UTF-8, else {@code base64:...}. */
    private static String text(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(body);
        }
    }
}
