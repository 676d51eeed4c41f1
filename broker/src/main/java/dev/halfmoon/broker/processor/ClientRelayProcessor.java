package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.log.LogStore;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.remoting.AclSignature;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Requests mqadmin sends a broker for one of its consumers, which the broker passes on over that consumer's connection
 * and whose answer it returns: GET_CONSUMER_RUNNING_INFO ({@code mqadmin consumerStatus}, {@code consumerProgress -s})
 * and CONSUME_MESSAGE_DIRECTLY ({@code queryMsgById -g -d}: the stored message is attached for the consumer to consume
 * again). Only translates: finds the member, forwards, relays.
 */
public final class ClientRelayProcessor {
    /** How long a consumer has to answer (RocketMQ's broker waits as long). */
    static final long CLIENT_TIMEOUT_MS = 10_000;

    private final ClientRegistry clients;
    private final LogStore store;
    private final String brokerName;

    public ClientRelayProcessor(ClientRegistry clients, LogStore store, String brokerName) {
        this.clients = clients;
        this.store = store;
        this.brokerName = brokerName;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.GET_CONSUMER_RUNNING_INFO, (ch, r) -> relay(r, r.body()), executor);
        server.register(RequestCode.CONSUME_MESSAGE_DIRECTLY, this::consumeDirectly, executor);
    }

    private CompletableFuture<RemotingCommand> consumeDirectly(RemotingChannel channel, RemotingCommand r) {
        String msgId = Headers.required(r, "msgId");
        long offset;
        try {
            offset = OffsetMessageId.parse(msgId).commitLogOffset();
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "msgId " + msgId + " is not an offset message id");
        }
        ByteBuffer record = store.readRecord(offset);
        if (record == null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "no message stored at " + offset + " (msgId " + msgId + ")");
        }
        byte[] bytes = new byte[record.remaining()];
        record.get(bytes);
        return relay(r, bytes);
    }

    private static final Set<String> CREDENTIALS = Set.of(AclSignature.ACCESS_KEY, AclSignature.SIGNATURE,
            AclSignature.SECURITY_TOKEN);

    private CompletableFuture<RemotingCommand> relay(RemotingCommand r, byte[] body) {
        String group = Headers.required(r, "consumerGroup");
        String clientId = Headers.required(r, "clientId");
        ClientChannel member = clients.consumerGroup(group).flatMap(g -> g.members().stream()
                .filter(c -> c.clientId().equals(clientId)).findFirst()).orElseThrow(() -> new RequestException(
                ResponseCode.SYSTEM_ERROR, "The Consumer <" + group + "> <" + clientId + "> not online"));
        Map<String, String> headers = new HashMap<>(r.extFields());
        // the operator's credentials stay here: with them, the consumer could sign other admin requests as the operator
        headers.keySet().removeAll(CREDENTIALS);
        headers.put("brokerName", brokerName);
        RemotingCommand forwarded = RemotingCommand.request(r.code(), headers, body);
        return member.channel().request(forwarded, CLIENT_TIMEOUT_MS).handle((answer, failure) -> {
            if (failure != null) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                return RemotingCommand.response(r, ResponseCode.SYSTEM_ERROR, "invoke consumer <" + group + "> <" + clientId
                        + "> Exception: " + cause.getMessage());
            }
            RemotingCommand reply = RemotingCommand.response(r, answer.code(), answer.remark());
            return answer.body() == null ? reply : reply.withBody(answer.body());
        });
    }
}
