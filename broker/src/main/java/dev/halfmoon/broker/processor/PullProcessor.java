package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.NetworkThreadRules;
import dev.halfmoon.broker.metrics.BrokerMetrics;
import dev.halfmoon.broker.pull.PullOutcome;
import dev.halfmoon.broker.pull.PullRequest;
import dev.halfmoon.broker.pull.PullService;
import dev.halfmoon.log.StoredRecord;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * PULL_MESSAGE: decodes the header, pulls (possibly held), and answers with the four offsets the
 * client needs and the stored records as the body, sent without copying.
 */
public final class PullProcessor implements RequestProcessor {
    private final PullService pulls;
    private final BrokerMetrics metrics;
    private final NetworkThreadRules inline;

    public PullProcessor(PullService pulls, BrokerMetrics metrics, NetworkThreadRules inline) {
        this.pulls = pulls;
        this.metrics = metrics;
        this.inline = inline;
    }

    @Override
    public boolean runsInline(RemotingCommand r) {
        return inline.pull(Headers.required(r, "topic"), Headers.requiredInt(r, "queueId"),
                Headers.requiredLong(r, "queueOffset"));
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand r) {
        PullRequest request = new PullRequest(Headers.required(r, "consumerGroup"), Headers.required(r, "topic"),
                Headers.requiredInt(r, "queueId"), Headers.requiredLong(r, "queueOffset"),
                Headers.optionalInt(r, "maxMsgNums", 32), Headers.optionalInt(r, "sysFlag", 0),
                Headers.optionalLong(r, "commitOffset", -1), Headers.optionalLong(r, "suspendTimeoutMillis", 0),
                r.ext("subscription"), r.ext("expressionType"), Headers.optionalInt(r, "maxMsgBytes", 0));
        return pulls.pull(request).thenApply(outcome -> {
            if (outcome.code() == ResponseCode.SUCCESS) {
                metrics.delivered(request.topic(), request.group(), outcome.records().size(),
                        outcome.records().stream().mapToLong(x -> x.bytes().remaining()).sum());
            }
            return encode(r, outcome);
        });
    }

    private static RemotingCommand encode(RemotingCommand request, PullOutcome outcome) {
        RemotingCommand response = RemotingCommand.response(request, outcome.code(), outcome.remark())
                .withExt(Map.of("suggestWhichBrokerId", "0", "nextBeginOffset", Long.toString(outcome.nextBeginOffset()),
                        "minOffset", Long.toString(outcome.minOffset()), "maxOffset", Long.toString(outcome.maxOffset())));
        if (outcome.code() != ResponseCode.SUCCESS) {
            return response;
        }
        ByteBuffer[] parts = new ByteBuffer[outcome.records().size()];
        int i = 0;
        for (StoredRecord record : outcome.records()) {
            parts[i++] = record.bytes();
        }
        return response.withBodyParts(parts);
    }
}
