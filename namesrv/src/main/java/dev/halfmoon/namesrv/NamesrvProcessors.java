package dev.halfmoon.namesrv;

import dev.halfmoon.remoting.Headers;
import dev.halfmoon.remoting.Json;
import dev.halfmoon.remoting.RemotingChannel;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RemotingServer;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.RequestException;
import dev.halfmoon.remoting.RequestProcessor;
import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.remoting.body.RegisterBrokerBody;
import dev.halfmoon.remoting.body.TopicConfig;
import dev.halfmoon.remoting.body.TopicList;
import dev.halfmoon.remoting.body.TopicRouteData;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.zip.CRC32;

/**
 * Turns name-server requests into calls on the {@link RouteRegistry} and the {@link KvConfig}, and
 * the answers into responses. Thread-safe.
 */
final class NamesrvProcessors {
    private final RouteRegistry registry;
    private final Clock clock;
    private final KvConfig kvConfig;
    private final java.util.function.Supplier<Map<String, String>> settings;

    /** @param settings the name server's settings as it runs, for GET_NAMESRV_CONFIG */
    NamesrvProcessors(RouteRegistry registry, KvConfig kvConfig, Clock clock,
                      java.util.function.Supplier<Map<String, String>> settings) {
        this.registry = registry;
        this.kvConfig = kvConfig;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * @param brokers runs broker registrations, apart from client lookups (a storm of those cannot get a live
     *                broker's registrations refused until it expires) and one at a time, in the order they came
     */
    void registerWith(RemotingServer server, Executor executor, Executor brokers) {
        server.register(RequestCode.REGISTER_BROKER, this::registerBroker, brokers);
        server.register(RequestCode.UNREGISTER_BROKER, this::unregisterBroker, brokers);
        server.register(RequestCode.REGISTER_TOPIC_IN_NAMESRV, this::registerTopic, brokers);
        server.register(RequestCode.GET_ROUTEINFO_BY_TOPIC, this::route, executor);
        server.register(RequestCode.GET_BROKER_CLUSTER_INFO, (ch, req) ->
                ok(req, Json.encode(registry.clusterInfo())), executor);
        server.register(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (ch, req) ->
                ok(req, Json.encode(new TopicList(registry.topics(), null))), executor);
        server.register(RequestCode.GET_TOPICS_BY_CLUSTER, (ch, req) ->
                ok(req, Json.encode(new TopicList(registry.topicsOfCluster(Headers.required(req, "cluster")), null))),
                executor);
        server.register(RequestCode.DELETE_TOPIC_IN_NAMESRV, (ch, req) -> {
            registry.deleteTopic(Headers.required(req, "topic"), req.ext("clusterName"));
            return ok(req, null);
        }, executor);
        server.register(RequestCode.WIPE_WRITE_PERM_OF_BROKER, (ch, req) -> RequestProcessor.done(RemotingCommand.response(
                req, ResponseCode.SUCCESS, null).withExt("wipeTopicCount", Integer.toString(
                        registry.setWritable(Headers.required(req, "brokerName"), false)))), executor);
        server.register(RequestCode.ADD_WRITE_PERM_OF_BROKER, (ch, req) -> RequestProcessor.done(RemotingCommand.response(
                req, ResponseCode.SUCCESS, null).withExt("addTopicCount", Integer.toString(
                        registry.setWritable(Headers.required(req, "brokerName"), true)))), executor);
        server.register(RequestCode.QUERY_DATA_VERSION, (ch, req) ->
                RequestProcessor.done(RemotingCommand.response(req, ResponseCode.SUCCESS, null).withExt("changed", "true")),
                executor);
        server.register(RequestCode.PUT_KV_CONFIG, this::putKv, executor);
        server.register(RequestCode.GET_KV_CONFIG, this::getKv, executor);
        server.register(RequestCode.DELETE_KV_CONFIG, this::deleteKv, executor);
        server.register(RequestCode.GET_KVLIST_BY_NAMESPACE, this::listKv, executor);
        server.register(RequestCode.GET_NAMESRV_CONFIG, (ch, req) -> ok(req, dev.halfmoon.remoting.body.PropertiesText.encode(settings.get())), executor);
        server.register(RequestCode.UPDATE_NAMESRV_CONFIG, (ch, req) -> {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "Halfmoon's name server reads its settings at start: "
                    + "restart it with the new options (bin/halfmoon-namesrv --help lists them)");
        }, executor);
        // a closed connection's brokers go on the registrations' thread, in turn with them: not on the network thread,
        // which would wait for the routes' lock while every connection it serves waits too
        server.addListener(channel -> {
            if (!registry.servesBrokers(channel)) {
                return; // a client's: nothing to drop (and they must not fill the registrations' queue)
            }
            try {
                brokers.execute(() -> registry.connectionClosed(channel));
            } catch (java.util.concurrent.RejectedExecutionException full) { // (shutting down, or a flood of them)
                registry.connectionClosed(channel);
            }
        });
    }

    private static CompletableFuture<RemotingCommand> ok(RemotingCommand request, byte[] body) {
        RemotingCommand response = RemotingCommand.response(request, ResponseCode.SUCCESS, null);
        return RequestProcessor.done(body == null ? response : response.withBody(body));
    }

    private CompletableFuture<RemotingCommand> registerBroker(RemotingChannel channel, RemotingCommand request) {
        if (Headers.optionalBoolean(request, "compressed", false)) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR,
                    "compressed REGISTER_BROKER bodies are not supported; register with compressed=false");
        }
        byte[] body = request.body();
        long crc = Headers.optionalLong(request, "bodyCrc32", 0);
        if (crc != 0 && body != null) {
            CRC32 c = new CRC32();
            c.update(body);
            if ((c.getValue() & 0x7FFFFFFF) != crc) {
                throw new RequestException(ResponseCode.SYSTEM_ERROR, "REGISTER_BROKER body CRC does not match bodyCrc32");
            }
        }
        BrokerRegistration registration = new BrokerRegistration(Headers.required(request, "clusterName"),
                Headers.required(request, "brokerName"), Headers.requiredLong(request, "brokerId"),
                Headers.required(request, "brokerAddr"), topicTable(body),
                Headers.optionalBoolean(request, dev.halfmoon.remoting.HalfmoonHeaders.WHOLE_TOPIC_TABLE, false));
        if (!channel.isActive()) { // closed while this waited its turn: registering it would route a gone broker for 120 s
            return ok(request, null);
        }
        try {
            registry.register(registration, channel, clock.millis());
        } catch (IllegalStateException full) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, full.getMessage());
        }
        if (!channel.isActive()) { // closed while it registered: the close may have found nothing to remove
            registry.connectionClosed(channel);
        }
        return ok(request, null);
    }

    /**
     * The topic table of a registration body. A body without one is refused, not read as "no topics" (a master's
     * whole table replaces its routes: that would unroute every topic of a live broker).
     */
    private static Map<String, TopicConfig> topicTable(byte[] body) {
        RegisterBrokerBody decoded = body == null || body.length == 0 ? null : Json.decode(body, RegisterBrokerBody.class);
        if (decoded == null || decoded.topicConfigSerializeWrapper() == null
                || decoded.topicConfigSerializeWrapper().topicConfigTable() == null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "REGISTER_BROKER without a topic table "
                    + "(topicConfigSerializeWrapper.topicConfigTable); routes unchanged");
        }
        Map<String, TopicConfig> topics = new TreeMap<>();
        decoded.topicConfigSerializeWrapper().topicConfigTable().forEach((name, config) -> {
            if (config == null || !name.equals(config.topicName())) {
                throw new RequestException(ResponseCode.SYSTEM_ERROR, "REGISTER_BROKER topic table entry '" + name
                        + "' is " + (config == null ? "null" : "for topic " + config.topicName()) + "; routes unchanged");
            }
            topics.put(name, config);
        });
        return topics;
    }

    private CompletableFuture<RemotingCommand> registerTopic(RemotingChannel channel, RemotingCommand request) {
        String topic = Headers.required(request, "topic");
        TopicRouteData route = request.body() == null ? null : Json.decode(request.body(), TopicRouteData.class);
        if (route == null || route.queueDatas() == null || route.queueDatas().isEmpty()) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "REGISTER_TOPIC_IN_NAMESRV for " + topic
                    + " without queueDatas; routes unchanged");
        }
        try {
            registry.registerTopic(topic, route.queueDatas());
        } catch (IllegalArgumentException e) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "REGISTER_TOPIC_IN_NAMESRV for " + topic + ": "
                    + e.getMessage() + "; routes unchanged");
        }
        return ok(request, null);
    }

    private CompletableFuture<RemotingCommand> unregisterBroker(RemotingChannel channel, RemotingCommand request) {
        registry.unregister(Headers.required(request, "brokerAddr"), request.ext("brokerName"),
                Headers.optionalLong(request, "brokerId", -1), "it unregistered");
        return ok(request, null);
    }

    private CompletableFuture<RemotingCommand> route(RemotingChannel channel, RemotingCommand request) {
        String topic = Headers.required(request, "topic");
        return registry.route(topic).map(route -> ok(request, Json.encode(route)))
                .orElseGet(() -> RequestProcessor.done(RemotingCommand.response(request, ResponseCode.TOPIC_NOT_EXIST,
                        "No topic route info in name server for the topic: " + topic
                                + " (no live broker serves it; create it, or enable autoCreateTopicEnable on a broker)")));
    }

    private CompletableFuture<RemotingCommand> putKv(RemotingChannel channel, RemotingCommand request) {
        String value = request.ext("value"); // (an empty value is a value)
        if (value == null) {
            throw new RequestException(ResponseCode.SYSTEM_ERROR, "missing header field 'value'");
        }
        kvConfig.put(Headers.required(request, "namespace"), Headers.required(request, "key"), value);
        return ok(request, null);
    }

    private CompletableFuture<RemotingCommand> getKv(RemotingChannel channel, RemotingCommand request) {
        String namespace = Headers.required(request, "namespace");
        String key = Headers.required(request, "key");
        return kvConfig.get(namespace, key)
                .map(value -> RequestProcessor.done(RemotingCommand.response(request, ResponseCode.SUCCESS, null)
                        .withExt("value", value)))
                .orElseGet(() -> RequestProcessor.done(RemotingCommand.response(request, ResponseCode.QUERY_NOT_FOUND,
                        "No config item, Namespace: " + namespace + " Key: " + key)));
    }

    private CompletableFuture<RemotingCommand> deleteKv(RemotingChannel channel, RemotingCommand request) {
        kvConfig.delete(Headers.required(request, "namespace"), Headers.required(request, "key"));
        return ok(request, null);
    }

    /** GET_KVLIST_BY_NAMESPACE: {@code {"table":{key:value}}} (RocketMQ's KVTable). */
    private CompletableFuture<RemotingCommand> listKv(RemotingChannel channel, RemotingCommand request) {
        String namespace = Headers.required(request, "namespace");
        Map<String, String> values = kvConfig.list(namespace);
        if (values.isEmpty()) {
            return RequestProcessor.done(RemotingCommand.response(request, ResponseCode.QUERY_NOT_FOUND,
                    "No config item, Namespace: " + namespace));
        }
        return ok(request, Json.encode(Map.of("table", values)));
    }
}
