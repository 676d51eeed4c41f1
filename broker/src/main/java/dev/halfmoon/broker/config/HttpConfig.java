package dev.halfmoon.broker.config;

/**
 * The broker's HTTP endpoint: Prometheus metrics, health, the operator API and the web console.
 *
 * @param enabled     {@code httpEnable}
 * @param bindAddress the broker's {@code bindAddress}
 * @param port        {@code httpPort}; 0 picks a free port
 * @param tls         {@code httpTls}: {@code auto} (HTTPS as {@code tls.server.mode} says, unless the console is on
 *                    loopback, where nothing crosses a network), {@code true} or {@code false}
 */
public record HttpConfig(boolean enabled, String bindAddress, int port, String tls) {
    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new ConfigException("httpPort must be 0..65535, was " + port);
        }
        if (!java.util.Set.of("auto", "true", "false").contains(tls)) {
            throw new ConfigException("httpTls must be auto, true or false, was '" + tls + "'");
        }
    }
}
