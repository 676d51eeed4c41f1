package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.send.SendRequest;
import dev.halfmoon.broker.send.SendResult;
import dev.halfmoon.broker.send.SendService;
import dev.halfmoon.message.MessageProperties;
import dev.halfmoon.message.MessageProperty;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * SEND_REPLY_MESSAGE and SEND_REPLY_MESSAGE_V2: a responder's reply in RocketMQ's request/reply
 * ({@code DefaultMQProducer.request}, {@code MessageUtil.createReplyMessage}). As RocketMQ's broker does, the reply is
 * pushed (PUSH_REPLY_MESSAGE_TO_CLIENT) to the producer whose client id the request named in REPLY_TO_CLIENT, which
 * waits for it, and is stored in the cluster's reply topic; the responder hears whether the push got there. Only
 * translates: the push goes over the requester's connection, the store through the send path.
 */
public final class ReplyProcessor implements RequestProcessor {
    /** How long the requester has to take the reply (RocketMQ's broker waits as long). */
    static final long PUSH_TIMEOUT_MS = 3_000;

    private final SendService sends;
    private final ClientRegistry clients;
    private final InetSocketAddress storeHost;

    public ReplyProcessor(SendService sends, ClientRegistry clients, InetSocketAddress storeHost) {
        this.sends = sends;
        this.clients = clients;
        this.storeHost = storeHost;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(RemotingChannel channel, RemotingCommand request) {
        SendRequest reply = SendProcessor.decode(request, channel);
        Map<String, String> props = MessageProperties.decode(reply.properties());
        String requester = props.get(MessageProperty.REPLY_TO_CLIENT);
        Optional<ClientChannel> to = requester == null ? Optional.empty() : clients.producer(requester);
        CompletableFuture<String> pushed; // null once the requester took it, else why not
        if (to.isEmpty()) {
            pushed = CompletableFuture.completedFuture(requester == null ? "reply message properties["
                    + MessageProperty.REPLY_TO_CLIENT + "] is null" : "push reply message fail, channel of <" + requester
                    + "> not found.");
        } else {
            props.put(MessageProperty.PUSH_REPLY_TIME, Long.toString(System.currentTimeMillis()));
            pushed = to.get().channel().request(push(reply, props, channel), PUSH_TIMEOUT_MS).handle((answer, failure) ->
                    failure == null && answer.code() == ResponseCode.SUCCESS ? null
                            : "push reply message to " + requester + " failed: " + (failure != null ? failure.getMessage()
                            : answer.remark()));
        }
        CompletableFuture<SendResult> stored = sends.send(reply);
        return pushed.thenCombine(stored, (failed, result) -> {
            if (failed != null) {
                return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, failed);
            }
            if (result.code() == ResponseCode.SUCCESS) {
                return SendProcessor.encode(request, result);
            }
            // delivered but not stored: RocketMQ's answer, its ids set to zero so that clients can decode it
            return RemotingCommand.response(request, ResponseCode.SUCCESS, null).withExt(Map.of("msgId", "0",
                    "queueId", Integer.toString(Math.max(reply.queueId(), 0)), "queueOffset", "0"));
        });
    }

    private RemotingCommand push(SendRequest reply, Map<String, String> props, RemotingChannel responder) {
        Map<String, String> header = new HashMap<>();
        header.put("producerGroup", reply.producerGroup());
        header.put("topic", reply.topic());
        header.put("defaultTopic", "TBW102");
        header.put("defaultTopicQueueNums", Integer.toString(reply.defaultTopicQueueNums()));
        header.put("queueId", Integer.toString(reply.queueId()));
        header.put("sysFlag", Integer.toString(reply.sysFlag()));
        header.put("bornTimestamp", Long.toString(reply.bornTimestamp()));
        header.put("flag", Integer.toString(reply.flag()));
        header.put("properties", MessageProperties.encode(props));
        header.put("reconsumeTimes", Integer.toString(reply.reconsumeTimes()));
        header.put("unitMode", "false");
        header.put("bornHost", hostPort(responder.remoteSocketAddress()));
        header.put("storeHost", hostPort(storeHost));
        header.put("storeTimestamp", Long.toString(System.currentTimeMillis()));
        return RemotingCommand.request(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, header, reply.body());
    }

    private static String hostPort(java.net.SocketAddress address) {
        InetSocketAddress a = (InetSocketAddress) address;
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
