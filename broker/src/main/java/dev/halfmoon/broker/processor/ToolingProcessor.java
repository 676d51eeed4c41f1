package dev.halfmoon.broker.processor;

import dev.halfmoon.broker.client.ClientChannel;
import dev.halfmoon.broker.client.ClientRegistry;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.config.LiveSettings;
import dev.halfmoon.broker.offset.GroupProgress;
import dev.halfmoon.broker.topic.TopicRegistry;
import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.ConsumerConnectionBody;
import dev.halfmoon.remoting.body.PropertiesText;
import dev.halfmoon.remoting.body.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The rest of what RocketMQ's admin tool ({@code mqadmin}) asks a broker: one topic's config (GET_TOPIC_CONFIG, which
 * 5.x's topicStatus and consumerProgress send first), the groups consuming a topic (QUERY_TOPIC_CONSUME_BY_WHO, for
 * queryMsgById, topicList -c, statsAll), a producer group's connections (GET_PRODUCER_CONNECTION_LIST) or every group's
 * (GET_ALL_PRODUCER_INFO, mqadmin producer), the effective
 * settings (GET_BROKER_CONFIG) and the few that may change while it runs (UPDATE_BROKER_CONFIG, {@link LiveSettings}), and
 * CLEAN_EXPIRED_CONSUMEQUEUE, which has nothing to do here. Each only translates the request.
 */
public final class ToolingProcessor {
    private final TopicRegistry topics;
    private final GroupProgress progress;
    private final ClientRegistry clients;
    private final LiveSettings settings;

    /** @param settings the broker's effective settings (passwords masked), read at each request, and their changes */
    public ToolingProcessor(TopicRegistry topics, GroupProgress progress, ClientRegistry clients, LiveSettings settings) {
        this.topics = topics;
        this.progress = progress;
        this.clients = clients;
        this.settings = settings;
    }

    public void registerWith(RemotingServer server, Executor executor) {
        server.register(RequestCode.GET_TOPIC_CONFIG, this::topicConfig, executor);
        server.register(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, this::consumedBy, executor);
        server.register(RequestCode.GET_PRODUCER_CONNECTION_LIST, this::producers, executor);
        server.register(RequestCode.GET_ALL_PRODUCER_INFO, this::allProducers, executor);
        server.register(RequestCode.GET_BROKER_CONFIG, this::brokerConfig, executor);
        server.register(RequestCode.UPDATE_BROKER_CONFIG, this::updateBrokerConfig, executor);
        server.register(RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE, (ch, r) -> RequestProcessor.done(RemotingCommand.response(r,
                ResponseCode.SUCCESS, "nothing to clean: retention trims consume queues with the commit log")), executor);
    }

    private CompletableFuture<RemotingCommand> topicConfig(RemotingChannel channel, RemotingCommand r) {
        String name = Headers.required(r, "topic");
        TopicConfig t = topics.get(name).orElseThrow(() -> new RequestException(ResponseCode.TOPIC_NOT_EXIST,
                "No topic in this broker. topic: " + name));
        return ok(r, Json.encode(t)); // (RocketMQ 5's TopicConfigAndQueueMapping: the topic's fields, no static mapping)
    }

    private CompletableFuture<RemotingCommand> consumedBy(RemotingChannel channel, RemotingCommand r) {
        String topic = Headers.required(r, "topic");
        Set<String> groups = progress.readersOf(topic);
        return ok(r, Json.encode(Map.of("groupList", groups)));
    }

    private CompletableFuture<RemotingCommand> producers(RemotingChannel channel, RemotingCommand r) {
        String group = Headers.required(r, "producerGroup");
        List<ConsumerConnectionBody.Connection> connections = new ArrayList<>();
        for (ClientChannel c : clients.producers(group)) {
            connections.add(c.connection());
        }
        if (connections.isEmpty()) { // (RocketMQ's answer, which mqadmin prints)
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the producer group[" + group + "] not exist");
        }
        return ok(r, Json.encode(Map.of("connectionSet", connections)));
    }

    /** RocketMQ's ProducerTableInfo: each group's live connections, as mqadmin producer prints them. */
    private CompletableFuture<RemotingCommand> allProducers(RemotingChannel channel, RemotingCommand r) {
        Map<String, List<ProducerInfo>> table = new java.util.TreeMap<>();
        clients.producerGroups().forEach((group, members) -> table.put(group, members.stream().map(c -> new ProducerInfo(
                c.clientId(), c.channel().remoteAddress(), c.language(), c.version(), c.lastHeartbeatMs())).toList()));
        return ok(r, Json.encode(Map.of("data", table)));
    }

    /** One producer instance in ProducerTableInfo (lastUpdateTimestamp: its last heartbeat). */
    private record ProducerInfo(String clientId, String remoteIP, String language, int version, long lastUpdateTimestamp) {
    }

    /** Every setting with its effective value, as a properties text (mqadmin getBrokerConfig prints it). */
    private CompletableFuture<RemotingCommand> brokerConfig(RemotingChannel channel, RemotingCommand r) {
        return ok(r, PropertiesText.encode(settings.effective()));
    }

    /** mqadmin updateBrokerConfig: a properties text of the changes; the remark says whether they were saved. */
    private CompletableFuture<RemotingCommand> updateBrokerConfig(RemotingChannel channel, RemotingCommand r) {
        Map<String, String> changes;
        try {
            changes = r.body() == null ? Map.of() : PropertiesText.decode(r.body());
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "the body is not a properties text: " + e.getMessage());
        }
        try {
            return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, settings.update(changes)));
        } catch (ConfigException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, e.getMessage());
        }
    }

    private static CompletableFuture<RemotingCommand> ok(RemotingCommand r, byte[] body) {
        return RequestProcessor.done(RemotingCommand.response(r, ResponseCode.SUCCESS, null).withBody(body));
    }
}
