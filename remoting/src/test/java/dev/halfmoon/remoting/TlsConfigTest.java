package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.ClientAuth;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RocketMQ's TLS keys as operators write them. */
class TlsConfigTest {
    private static Map<String, String> enforcing(String auth) {
        return Map.of("tls.server.mode", "enforcing", "tls.server.certPath", "/etc/halfmoon/cert.pem",
                "tls.server.keyPath", "/etc/halfmoon/key.pem", "tls.server.need.client.auth", auth);
    }

    @Test
    void requiredClientCertificatesNeedTheCaThatSignsThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsConfig.parse(enforcing("require")::get));
        assertTrue(e.getMessage().contains("tls.server.trustCertPath"), e.getMessage());
    }

    @Test
    void optionalClientCertificatesWithoutACaStillStart() {
        // clients without a certificate get in anyway; a configuration that worked before keeps working
        assertEquals(ClientAuth.OPTIONAL, TlsConfig.parse(enforcing("optional")::get).clientAuth());
    }
}
