package dev.halfmoon.client;

import dev.halfmoon.remoting.TlsConfig;
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
 * @param sendRetries       extra attempts of a failed send, on another broker when there is one; a send, with its
 *                          retries, starts no new attempt once requestTimeout × (1 + sendRetries) has passed
 * @param retryBackoff      wait before the first retry; doubles per retry
 * @param routeRefresh      how often routes are fetched again
 * @param heartbeatInterval how often the client tells brokers it is alive
 * @param security          ACL credentials and TLS, {@link Security#NONE} by default
 */
public record ClientOptions(List<String> nameServers, String instanceName, Duration requestTimeout, int sendRetries,
                            Duration retryBackoff, Duration routeRefresh, Duration heartbeatInterval, Security security) {
    /**
     * Access keys to sign requests with (the broker's {@code aclEnable=true}) and whether to use TLS.
     *
     * @param accessKey     null for no signing
     * @param tls           connect with TLS
     * @param trustCertPath CA certificates to verify the server with; null trusts any server (encrypted, not authenticated)
     * @param certificate   what to present to servers that ask for client certificates, or null
     */
    public record Security(String accessKey, String secretKey, boolean tls, java.nio.file.Path trustCertPath,
                           TlsConfig.ClientCertificate certificate) {
        public static final Security NONE = new Security(null, null, false, null, null);

        public Security {
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("give both an access key and a secret key, or neither");
            }
        }

        public Security(String accessKey, String secretKey, boolean tls, java.nio.file.Path trustCertPath) {
            this(accessKey, secretKey, tls, trustCertPath, null);
        }
    }

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
        Objects.requireNonNull(security, "security");
        if (requestTimeout.isNegative() || requestTimeout.isZero() || sendRetries < 0) {
            throw new IllegalArgumentException("requestTimeout must be positive and sendRetries not negative");
        }
    }

    /** Defaults for the given name servers ({@code host:port}, several separated by ';'). */
    public static ClientOptions of(String nameServers) {
        return new ClientOptions(Arrays.stream(nameServers.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                "DEFAULT", Duration.ofSeconds(3), 2, Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofSeconds(30), Security.NONE);
    }

    public ClientOptions withInstanceName(String name) {
        return new ClientOptions(nameServers, name, requestTimeout, sendRetries, retryBackoff, routeRefresh, heartbeatInterval, security);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(nameServers, instanceName, timeout, sendRetries, retryBackoff, routeRefresh, heartbeatInterval, security);
    }

    public ClientOptions withSendRetries(int retries) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, retries, retryBackoff, routeRefresh, heartbeatInterval, security);
    }

    /** Shorter route refresh and heartbeat periods (useful in tests and demos). */
    public ClientOptions withRefresh(Duration routes, Duration heartbeat) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, sendRetries, retryBackoff, routes, heartbeat, security);
    }

    /** Signs every request with these ACL credentials (the broker's {@code aclEnable=true}). */
    public ClientOptions withCredentials(String accessKey, String secretKey) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, sendRetries, retryBackoff, routeRefresh,
                heartbeatInterval, new Security(accessKey, secretKey, security.tls(), security.trustCertPath(),
                security.certificate()));
    }

    /**
     * Connects with TLS, verifying servers against the CA certificates in {@code trustCertPath}, or
     * trusting any server when it is null.
     */
    public ClientOptions withTls(java.nio.file.Path trustCertPath) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, sendRetries, retryBackoff, routeRefresh,
                heartbeatInterval, new Security(security.accessKey(), security.secretKey(), true, trustCertPath,
                security.certificate()));
    }

    /**
     * Connects with TLS (as {@link #withTls}) and presents this certificate and key (PEM, the key PKCS#8) to servers
     * that ask for client certificates ({@code tls.server.need.client.auth}).
     */
    public ClientOptions withTlsCertificate(java.nio.file.Path certPath, java.nio.file.Path keyPath) {
        return new ClientOptions(nameServers, instanceName, requestTimeout, sendRetries, retryBackoff, routeRefresh,
                heartbeatInterval, new Security(security.accessKey(), security.secretKey(), true, security.trustCertPath(),
                new TlsConfig.ClientCertificate(certPath, keyPath, null)));
    }
}
