package dev.halfmoon.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a client reaches Halfmoon and how patient it is. Immutable; validated.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.of("127.0.0.1:9876")
 *         .withRequestTimeout(Duration.ofSeconds(3));
 * }</pre>
 *
 * @param nameServers       {@code host:port} of each name server (at least one)
 * @param instanceName      distinguishes clients in one process (part of the client id)
 * @param requestTimeout    how long one request waits for its answer
 * @param sendRetries       extra attempts of a failed send, on another broker when there is one
 * @param retryBackoff      wait before the first retry; doubles per retry
 * @param routeRefresh      how often routes are fetched again
 * @param heartbeatInterval how often the client tells brokers it is alive
 */
public record ClientOptions(List<String> nameServers, String instanceName, Duration requestTimeout, int sendRetries,
                            Duration retryBackoff, Duration routeRefresh, Duration heartbeatInterval) {
    public ClientOptions {
        nameServers = List.copyOf(Objects.requireNonNull(nameServers, "nameServers"));
        if (nameServers.isEmpty()) {
            throw new IllegalArgumentException("at least one name server address (host:port) is needed");
        }
        for (String ns : nameServers) {
            if (!ns.matches("[^:]+:\\d{1,5}")) {
                throw new IllegalArgumentException("name server address must be host:port, was '" + ns + "'");
            }
        }
        Objects.requireNonNull(instanceName, "instanceName");
        if (requestTimeout.isNegative() || requestTimeout.isZero() || sendRetries < 0) {
            throw new IllegalArgumentException("requestTimeout must be positive and sendRetries not negative");
        }
    }

    /** Defaults for the given name servers ({@code host:port}, several separated by ';'). */
    public static ClientOptions of(String nameServers) {
        return new ClientOptions(Arrays.stream(nameServers.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                "DEFAULT", Duration.ofSeconds(3), 2, Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    public ClientOptions withInstanceName(String name) {
        return new ClientOptions(nameServers, name, requestTimeout, sendRetries, retryBackoff, routeRefresh, heartbeatInterval);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(nameServers, instanceName, timeout, sendRetries, retryBackoff, routeRefresh, heartbeatInterval);
    }

    public ClientOptions withSendRetries(int retries) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, retries, retryBackoff, routeRefresh, heartbeatInterval);
    }

    /** Shorter route refresh and heartbeat periods (useful in tests and demos). */
    public ClientOptions withRefresh(Duration routes, Duration heartbeat) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, sendRetries, retryBackoff, routes, heartbeat);
    }
}
