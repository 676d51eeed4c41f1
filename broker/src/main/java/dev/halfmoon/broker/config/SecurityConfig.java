package dev.halfmoon.broker.config;

import dev.halfmoon.remoting.TlsConfig;
import java.nio.file.Path;

/**
 * Access control and TLS.
 *
 * @param aclEnable {@code aclEnable}: check every request against the ACL file
 * @param aclFile   {@code aclConfigFile}, RocketMQ's plain_acl.yml format
 * @param tls       {@code tls.server.*}: TLS on the broker's (and a standalone's name server's) port
 * @param tlsToNamesrv   {@code tls.enable}: the broker's own connections to the name server use TLS
 * @param namesrvTrust   {@code tls.client.trustCertPath}: CAs to verify the name server with, or null (not verified)
 * @param namesrvCertificate {@code tls.client.certPath}, {@code tls.client.keyPath}: what the broker presents to a name
 *                           server that asks for client certificates, or null
 */
public record SecurityConfig(boolean aclEnable, Path aclFile, TlsConfig tls, boolean tlsToNamesrv, Path namesrvTrust,
                             TlsConfig.ClientCertificate namesrvCertificate) {
    public static final SecurityConfig OFF = new SecurityConfig(false, Path.of("conf", "plain_acl.yml"), TlsConfig.DISABLED,
            false, null, null);
}
