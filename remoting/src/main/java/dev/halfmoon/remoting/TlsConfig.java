package dev.halfmoon.remoting;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * TLS of a remoting server, in RocketMQ's terms ({@code tls.server.mode} and friends):
 * {@code disabled} (plain only), {@code permissive} (TLS and plain on one port, told apart by the
 * first byte), {@code enforcing} (TLS only). Certificate and key are PEM files (the key PKCS#8).
 *
 * @param trustCertPath   CA certificates to verify clients with (when client auth is asked), or null
 * @param clientAuth      none, optional or require
 */
public record TlsConfig(Mode mode, Path certPath, Path keyPath, String keyPassword, Path trustCertPath, ClientAuth clientAuth) {
    /** How a server treats TLS. */
    public enum Mode { DISABLED, PERMISSIVE, ENFORCING }

    public static final TlsConfig DISABLED = new TlsConfig(Mode.DISABLED, null, null, null, null, ClientAuth.NONE);

    public TlsConfig {
        if (mode != Mode.DISABLED && (certPath == null || keyPath == null)) {
            throw new IllegalArgumentException("TLS mode " + mode.name().toLowerCase()
                    + " needs a certificate and a key (tls.server.certPath, tls.server.keyPath)");
        }
        if (mode != Mode.DISABLED && clientAuth == ClientAuth.REQUIRE && trustCertPath == null) {
            // (optional lets clients in without a certificate anyway: no trust path there is what it was)
            throw new IllegalArgumentException("tls.server.need.client.auth=require needs tls.server.trustCertPath, the CA"
                    + " certificates that sign the clients' certificates (without it any certificate from any public CA"
                    + " would be accepted)");
        }
    }

    /**
     * A client's own certificate and key (PEM, the key PKCS#8), presented to servers that ask for one
     * ({@code tls.server.need.client.auth}); RocketMQ's {@code tls.client.certPath}, {@code tls.client.keyPath}.
     */
    public record ClientCertificate(Path certPath, Path keyPath, String keyPassword) {
        public ClientCertificate {
            if (certPath == null || keyPath == null) {
                throw new IllegalArgumentException("a client certificate needs both a certificate and a key file"
                        + " (tls.client.certPath, tls.client.keyPath)");
            }
        }

        /** The certificate, or null when neither file is given; throws when only one is. */
        public static ClientCertificate of(Path certPath, Path keyPath, String keyPassword) {
            return certPath == null && keyPath == null ? null : new ClientCertificate(certPath, keyPath, keyPassword);
        }
    }

    /** RocketMQ's keys for a server's TLS, as broker.conf lines or JVM system properties. */
    public static final List<String> KEYS = List.of("tls.server.mode", "tls.server.certPath", "tls.server.keyPath",
            "tls.server.keyPassword", "tls.server.trustCertPath", "tls.server.need.client.auth");

    /**
     * Reads {@link #KEYS} through {@code value} (null or blank: the default, disabled and no client auth);
     * the broker passes its settings, a name server its system properties, so both read them alike.
     *
     * @throws IllegalArgumentException naming the key whose value is malformed or missing
     */
    public static TlsConfig parse(Function<String, String> value) {
        String mode = text(value, "tls.server.mode");
        String auth = text(value, "tls.server.need.client.auth");
        return new TlsConfig(mode == null ? Mode.DISABLED : mode(mode), path(value, "tls.server.certPath"),
                path(value, "tls.server.keyPath"), text(value, "tls.server.keyPassword"),
                path(value, "tls.server.trustCertPath"), auth == null ? ClientAuth.NONE : clientAuth(auth));
    }

    private static String text(Function<String, String> value, String key) {
        String v = value.apply(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Path path(Function<String, String> value, String key) {
        String v = text(value, key);
        return v == null ? null : Path.of(v);
    }

    /** Parses {@code none}, {@code optional} or {@code require}. */
    public static ClientAuth clientAuth(String text) {
        return switch (text.trim().toLowerCase()) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "require" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException("tls.server.need.client.auth must be none, optional or require, was '"
                    + text + "'");
        };
    }

    /** Parses {@code disabled}, {@code permissive} or {@code enforcing}. */
    public static Mode mode(String text) {
        try {
            return Mode.valueOf(text.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tls.server.mode must be disabled, permissive or enforcing, was '" + text + "'");
        }
    }

    /**
     * The server's SSL context, or null when disabled.
     *
     * @throws IllegalArgumentException naming the file that is missing or unreadable
     */
    public SslContext serverContext() {
        if (mode == Mode.DISABLED) {
            return null;
        }
        requireReadable(certPath, "certificate");
        requireReadable(keyPath, "key");
        try {
            SslContextBuilder b = SslContextBuilder.forServer(certPath.toFile(), keyPath.toFile(), keyPassword)
                    .clientAuth(clientAuth);
            if (trustCertPath != null) {
                requireReadable(trustCertPath, "trusted CA certificate");
                b.trustManager(trustCertPath.toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use TLS certificate " + certPath + " with key " + keyPath + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A client context: trusts the CAs in {@code trustCertPath}, or, when it is null, any server
     * (like RocketMQ's default client test mode: encrypted, not authenticated).
     */
    public static SslContext clientContext(Path trustCertPath) {
        return clientContext(trustCertPath, null);
    }

    /** As {@link #clientContext(Path)}, presenting {@code own} to servers that ask for a client certificate (null: none). */
    public static SslContext clientContext(Path trustCertPath, ClientCertificate own) {
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (trustCertPath == null) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else {
                requireReadable(trustCertPath, "trusted CA certificate");
                b.trustManager(trustCertPath.toFile());
            }
            if (own != null) {
                requireReadable(own.certPath(), "client certificate");
                requireReadable(own.keyPath(), "client key");
                b.keyManager(own.certPath().toFile(), own.keyPath().toFile(), own.keyPassword());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static void requireReadable(Path file, String what) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("TLS " + what + " file " + file + " does not exist or cannot be read");
        }
    }
}
