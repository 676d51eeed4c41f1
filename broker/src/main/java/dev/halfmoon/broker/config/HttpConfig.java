package dev.halfmoon.broker.config;

/**
 * The broker's HTTP endpoint: Prometheus metrics, health, the operator API and the web console.
 *
 * @param enabled     {@code httpEnable}
 * @param bindAddress the broker's {@code bindAddress}
 * @param port        {@code httpPort}; 0 picks a free port
 */
public record HttpConfig(boolean enabled, String bindAddress, int port) {
    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new ConfigException("httpPort must be 0..65535, was " + port);
        }
    }
}
