package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientService;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.HeartbeatData;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP and CHECK_CLIENT_CONFIG. */
public final class ClientProcessor {
    private final ClientService clients;

    public ClientProcessor(ClientService clients) {
        this.clients = clients;
    }

    /**
     * Registers the requests on {@code executor} except a client's heartbeats and its leaving (UNREGISTER_CLIENT or
     * its connection closing), which go to {@code inOrder}: a single thread that also takes offset commits, so each
     * client's are taken in the order it sent them. A leaving consumer sends its last offsets one way and then leaves;
     * taken in parallel, the leaving could tell the rest of the group first, and the member taking over its queues
     * would read the offsets before the last commits and get those messages again; a heartbeat taken after the leaving
     * would bring the member back for two minutes.
     */
    public void registerWith(RemotingServer server, Executor executor, Executor inOrder) {
        server.register(RequestCode.HEART_BEAT, this::heartbeat, inOrder); // (never taken after the same client's leaving)
        server.register(RequestCode.UNREGISTER_CLIENT, this::unregister, inOrder);
        server.register(RequestCode.GET_CONSUMER_LIST_BY_GROUP, this::consumerList, executor);
        server.register(RequestCode.CHECK_CLIENT_CONFIG, this::checkConfig, executor);
        server.addListener(channel -> {
            try {
                inOrder.execute(() -> clients.registry().channelClosed(channel));
            } catch (RejectedExecutionException stopping) { // (closing, or a backlog of 100 000: done here)
                clients.registry().channelClosed(channel);
            }
        });
    }

    private CompletableFuture<RemotingCommand> heartbeat(RemotingChannel channel, RemotingCommand r) {
        HeartbeatData data = Json.decode(r.body(), HeartbeatData.class);
        if (data.clientID() == null || data.clientID().isBlank()) {
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SYSTEM_ERROR, "heartbeat without clientID"));
        }
        clients.heartbeat(data, channel, r.language().name(), r.version(), r.ext(dev.halfmoon.remoting.AclSignature.ACCESS_KEY));
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    private CompletableFuture<RemotingCommand> unregister(RemotingChannel channel, RemotingCommand r) {
        clients.registry().unregister(Headers.required(r, "clientID"), r.ext("producerGroup"), r.ext("consumerGroup"), channel);
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

    private CompletableFuture<RemotingCommand> consumerList(RemotingChannel channel, RemotingCommand r) {
        String group = Headers.required(r, "consumerGroup");
        return RequestProcessor.done(clients.registry().consumerGroup(group)
                .map(g -> RemotingCommand.response(r, ResponseCode.SUCCESS, null)
                        .withBody(Json.encode(Map.of("consumerIdList", g.clientIds()))))
                .orElseGet(() -> RemotingCommand.response(r, ResponseCode.SYSTEM_ERROR,
                        "no consumer for this group, " + group)));
    }

    private CompletableFuture<RemotingCommand> checkConfig(RemotingChannel channel, RemotingCommand r) {
        String body = r.body() == null ? "" : new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (body.contains("\"SQL92\"")) {
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                    "SQL92 filtering is not supported by Halfmoon; subscribe by tag"));
        }
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null));
    }

}
