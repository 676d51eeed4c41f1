package dev.halfmoon.broker.config;

import dev.halfmoon.log.StoreConfig;
import dev.halfmoon.remoting.NettyConfig;
import java.util.Objects;

/**
 * The whole broker configuration: one record per component, each handed only its own part.
 * Immutable; built by {@link BrokerSettings#load}.
 */
public record BrokerConfig(BrokerIdentity identity, NettyConfig network, StoreConfig store, MessagingConfig messaging,
                           NamesrvClientConfig namesrv, TransactionConfig transactions, HttpConfig http,
                           SecurityConfig security) {
    public BrokerConfig {
        Objects.requireNonNull(identity);
        Objects.requireNonNull(network);
        Objects.requireNonNull(store);
        Objects.requireNonNull(messaging);
        Objects.requireNonNull(namesrv);
        Objects.requireNonNull(transactions);
        Objects.requireNonNull(http);
        Objects.requireNonNull(security);
    }

    public BrokerConfig withNetwork(NettyConfig n) {
        return new BrokerConfig(identity, n, store, messaging, namesrv, transactions, http, security);
    }

    public BrokerConfig withNamesrv(NamesrvClientConfig n) {
        return new BrokerConfig(identity, network, store, messaging, n, transactions, http, security);
    }
}
