package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.NetworkThreadRules;
import dev.halfmoon.broker.metrics.BrokerMetrics;
import dev.halfmoon.broker.send.SendRequest;
import dev.halfmoon.broker.send.SendResult;
import dev.halfmoon.broker.send.SendService;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.util.concurrent.CompletableFuture;

/**
 * SEND_MESSAGE (full header names), SEND_MESSAGE_V2 (one-letter names) and SEND_BATCH_MESSAGE:
 * decodes the header into a {@link SendRequest}, sends, and encodes msgId, queueId and queueOffset
 * (plus the region and trace fields the client reads without a null check).
 */
public final class SendProcessor implements RequestProcessor {
    private final SendService sends;
    private final BrokerMetrics metrics;
    private final NetworkThreadRules inline;

    public SendProcessor(SendService sends, BrokerMetrics metrics, NetworkThreadRules inline) {
        this.sends = sends;
        this.metrics = metrics;
        this.inline = inline;
    }

    @Override
    public boolean runsInline(RemotingCommand r) {
        boolean batch = r.code() == RequestCode.SEND_BATCH_MESSAGE || Headers.optionalBoolean(r, v2(r) ? "m" : "batch", false);
        String topic = sentTopic(r);
        return !batch && topic != null && r.body() != null && inline.send(topic, r.body().length);
    }

    /** The topic a send names: {@code topic} in SEND_MESSAGE's header, {@code b} in the one-letter headers of the others. */
    public static String sentTopic(RemotingCommand r) {
        return r.ext(v2(r) ? "b" : "topic");
    }

    private static boolean v2(RemotingCommand r) {
        return r.code() == RequestCode.SEND_MESSAGE_V2 || r.code() == RequestCode.SEND_BATCH_MESSAGE
                || r.code() == RequestCode.SEND_REPLY_MESSAGE_V2;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand request) {
        long begin = System.nanoTime();
        SendRequest send = decode(request, channel);
        return sends.send(send).thenApply(result -> {
            if (result.code() == ResponseCode.SUCCESS) {
                metrics.sent(send.topic(), result.records().size(),
                        result.records().stream().mapToLong(r -> r.size()).sum(), System.nanoTime() - begin);
            }
            return encode(request, result);
        });
    }

    static SendRequest decode(RemotingCommand r, RemotingChannel channel) {
        boolean v2 = v2(r);
        String group = Headers.required(r, v2 ? "a" : "producerGroup");
        String topic = Headers.required(r, v2 ? "b" : "topic");
        int defaultQueues = Headers.optionalInt(r, v2 ? "d" : "defaultTopicQueueNums", 4);
        int queueId = Headers.requiredInt(r, v2 ? "e" : "queueId");
        int sysFlag = Headers.requiredInt(r, v2 ? "f" : "sysFlag");
        long born = Headers.requiredLong(r, v2 ? "g" : "bornTimestamp");
        int flag = Headers.requiredInt(r, v2 ? "h" : "flag");
        String properties = Headers.optional(r, v2 ? "i" : "properties", "");
        int reconsume = Headers.optionalInt(r, v2 ? "j" : "reconsumeTimes", 0);
        int maxReconsume = Headers.optionalInt(r, v2 ? "l" : "maxReconsumeTimes", -1);
        boolean batch = r.code() == RequestCode.SEND_BATCH_MESSAGE || Headers.optionalBoolean(r, v2 ? "m" : "batch", false);
        return new SendRequest(group, topic, defaultQueues, queueId, sysFlag, born, flag, properties, reconsume,
                maxReconsume, batch, r.body(), channel.remoteSocketAddress());
    }

    static RemotingCommand encode(RemotingCommand request, SendResult result) {
        RemotingCommand response = RemotingCommand.response(request, result.code(), result.remark());
        java.util.Map<String, String> ext = new java.util.HashMap<>(12);
        ext.put("MSG_REGION", "DefaultRegion");
        ext.put("TRACE_ON", "true");
        if (!result.records().isEmpty()) { // SUCCESS, or FLUSH_DISK_TIMEOUT (written, its flush failed)
            ext.put("msgId", result.msgId());
            ext.put("queueId", Integer.toString(result.queueId()));
            long queueOffset = result.records().get(0).queueOffset();
            ext.put("queueOffset", Long.toString(queueOffset < 0 ? 0 : queueOffset));
            if (result.transactionId() != null) {
                ext.put("transactionId", result.transactionId());
            }
        }
        return response.withExt(ext);
    }
}
