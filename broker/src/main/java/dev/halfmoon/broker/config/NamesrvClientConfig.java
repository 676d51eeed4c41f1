package dev.halfmoon.broker.config;

import java.util.List;

/**
 * How the broker registers with name servers. Immutable.
 *
 * @param addresses        every name server, {@code host:port} ({@code namesrvAddr}, separated by ';')
 * @param registerPeriodMs re-registration period ({@code registerNameServerPeriod}, default 30 000)
 */
public record NamesrvClientConfig(List<String> addresses, long registerPeriodMs) {
    public NamesrvClientConfig {
        addresses = List.copyOf(addresses);
    }
}
