package dev.halfmoon.broker;

import dev.halfmoon.broker.config.BrokerConfig;
import dev.halfmoon.broker.config.ConfigException;
import dev.halfmoon.broker.http.HttpServer;
import dev.halfmoon.remoting.TlsConfig;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the broker's HTTP console: where it listens, over what TLS, and what an operator is warned of. */
final class HttpConsole {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConsole.class);

    private HttpConsole() {
    }

    /**
     * Starts {@code server} as {@code config} says and records its port in {@code effective}.
     *
     * @param address the broker's {@code host:port}, whose host names the console when it listens on every address
     * @return the console's URL
     */
    static String start(BrokerConfig config, String address, HttpServer server, Map<String, String> effective) {
        TlsConfig httpTls = httpTls(config);
        InetSocketAddress bound = server.start(config.http().bindAddress(), config.http().port(), httpTls);
        effective.put("httpPort", Integer.toString(bound.getPort()));
        TlsConfig.Mode tls = httpTls.mode();
        if (!bound.getAddress().isLoopbackAddress() && !config.security().aclEnable()) {
            LOG.warn("the HTTP console on {} commits and rolls back transactions without authentication (aclEnable="
                    + "false): anyone who reaches it, or a web page by DNS rebinding, can; turn ACL on or keep it on "
                    + "127.0.0.1 (httpBindAddress)", bound);
        }
        if (!bound.getAddress().isLoopbackAddress() && tls == TlsConfig.Mode.PERMISSIVE && config.security().aclEnable()) {
            LOG.warn("the HTTP console on {} answers plain HTTP beside HTTPS (tls.server.mode=permissive): a user who "
                    + "opens http:// sends an access and secret key in clear text; set httpTls=true for HTTPS only", bound);
        }
        if (!bound.getAddress().isLoopbackAddress() && tls == TlsConfig.Mode.DISABLED) {
            LOG.warn("the HTTP console on {} is plain HTTP{}: put it behind a TLS proxy, or set tls.server.mode to serve"
                    + " it over HTTPS", bound, config.security().aclEnable()
                    ? " and its users' access and secret keys travel in clear text (HTTP Basic)" : "");
        }
        return (tls == TlsConfig.Mode.ENFORCING ? "https://" : "http://") + (bound.getAddress().isAnyLocalAddress()
                ? address.substring(0, address.lastIndexOf(':')) : bound.getAddress().getHostAddress()) + ":" + bound.getPort();
    }

    /**
     * The console's TLS: the broker port's certificate and mode ({@code httpTls=auto} off on loopback, {@code true}
     * enforcing, {@code false} none), never asking for client certificates (its users log in with HTTP Basic).
     */
    private static TlsConfig httpTls(BrokerConfig config) {
        TlsConfig port = config.security().tls();
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(config.http().bindAddress()).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        TlsConfig.Mode mode = switch (config.http().tls()) {
            case "true" -> TlsConfig.Mode.ENFORCING;
            case "false" -> TlsConfig.Mode.DISABLED;
            default -> loopback ? TlsConfig.Mode.DISABLED : port.mode();
        };
        if (mode != TlsConfig.Mode.DISABLED && (port.certPath() == null || port.keyPath() == null)) {
            throw new ConfigException("httpTls=true needs tls.server.certPath and tls.server.keyPath");
        }
        return mode == TlsConfig.Mode.DISABLED ? TlsConfig.DISABLED : new TlsConfig(mode, port.certPath(), port.keyPath(),
                port.keyPassword(), null, io.netty.handler.ssl.ClientAuth.NONE);
    }
}
