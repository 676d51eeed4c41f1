package dev.halfmoon.broker.config;

import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.remoting.NettyConfig;
import java.util.Map;
import java.util.Objects;

/**
 * The whole broker configuration: one record per component, each handed only its own part, and
 * {@code settings}, every key with its effective value as text (passwords masked), for RocketMQ's
 * GET_BROKER_CONFIG, and {@code origin}, where they came from. Immutable; built by {@link BrokerSettings#load}.
 */
public record BrokerConfig(BrokerIdentity identity, NettyConfig network, StoreConfig store, MessagingConfig messaging,
                           NamesrvClientConfig namesrv, TransactionConfig transactions, HttpConfig http,
                           SecurityConfig security, StartTopics startTopics, Map<String, String> settings,
                           SettingsOrigin origin) {
    public BrokerConfig {
        settings = Map.copyOf(Objects.requireNonNull(settings));
        Objects.requireNonNull(identity);
        Objects.requireNonNull(network);
        Objects.requireNonNull(store);
        Objects.requireNonNull(messaging);
        Objects.requireNonNull(namesrv);
        Objects.requireNonNull(transactions);
        Objects.requireNonNull(http);
        Objects.requireNonNull(security);
        Objects.requireNonNull(startTopics);
        Objects.requireNonNull(origin);
    }

    public BrokerConfig withOrigin(SettingsOrigin o) {
        return new BrokerConfig(identity, network, store, messaging, namesrv, transactions, http, security, startTopics,
                settings, o);
    }

    public BrokerConfig withNetwork(NettyConfig n) {
        return new BrokerConfig(identity, n, store, messaging, namesrv, transactions, http, security, startTopics, settings, origin);
    }

    public BrokerConfig withNamesrv(NamesrvClientConfig n) {
        Map<String, String> updated = new java.util.HashMap<>(settings);
        updated.put("namesrvAddr", String.join(";", n.addresses()));
        return new BrokerConfig(identity, network, store, messaging, n, transactions, http, security, startTopics, updated, origin);
    }
}
