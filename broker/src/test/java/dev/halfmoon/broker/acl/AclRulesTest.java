package dev.halfmoon.broker.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** plain_acl.yml parsing, permissions and address patterns. */
class AclRulesTest {
    @Test
    void theShippedExampleParses() throws Exception {
        AclRules rules = AclRules.parse(Files.readString(Path.of("..", "conf", "plain_acl.yml")));
        AclAccount order = rules.accounts().get("order-service");
        assertEquals(AclPerm.PUB, order.topicPerm("OrderCreated"));
        assertEquals(AclPerm.DENY, order.topicPerm("PaymentDone"));
        assertTrue(rules.accounts().get("halfmoon-admin").admin());
    }

    @Test
    void rocketMqsOwnExampleParses() {
        AclRules rules = AclRules.parse("""
                globalWhiteRemoteAddresses:
                  - 10.10.103.*
                  - 192.168.0.*
                accounts:
                  - accessKey: RocketMQ
                    secretKey: 12345678
                    whiteRemoteAddress:
                    admin: false
                    defaultTopicPerm: DENY
                    defaultGroupPerm: SUB
                    topicPerms:
                      - topicA=DENY
                      - topicB=PUB|SUB
                      - topicC=SUB
                    groupPerms:
                      - groupA=DENY
                      - groupB=PUB|SUB
                      - groupC=SUB
                  - accessKey: rocketmq2
                    secretKey: 12345678
                    whiteRemoteAddress: 192.168.1.*
                    admin: true
                """);
        AclAccount a = rules.accounts().get("RocketMQ");
        assertEquals("12345678", a.secretKey(), "numbers are read as text");
        assertEquals((byte) (AclPerm.PUB | AclPerm.SUB), a.topicPerm("topicB"));
        assertEquals(AclPerm.SUB, a.groupPerm("anyGroup"));
        assertEquals(AclPerm.DENY, a.topicPerm("anyTopic"));
        assertTrue(rules.globalWhiteRemoteAddresses().get(0).matches("10.10.103.77"));
        assertTrue(rules.accounts().get("rocketmq2").whiteRemoteAddress().matches("192.168.1.9"));
    }

    @Test
    void mistakesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AclRules.parse("accounts:\n  - accessKey: short\n"
                + "    secretKey: 12345678\n")).getMessage().contains("accessKey must be longer than 6"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AclRules.parse("accounts:\n  - accessKey: longenough\n"
                + "    secretKey: 12345678\n    defaultTopicPerm: WRITE\n")).getMessage().contains("defaultTopicPerm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AclRules.parse("accounts:\n  - accessKey: longenough\n"
                + "    secretKey: 12345678\n    topicPerms:\n      - justAName\n")).getMessage().contains("name=PERM"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AclRules.parse("accounts: [ not : yaml"))
                .getMessage().contains("YAML"));
    }

    @Test
    void permissionsAndAddressPatterns() {
        assertTrue(AclPerm.allows((byte) (AclPerm.PUB | AclPerm.SUB), AclPerm.PUB));
        assertFalse(AclPerm.allows(AclPerm.SUB, AclPerm.PUB));
        assertFalse(AclPerm.allows(AclPerm.DENY, AclPerm.SUB));
        assertTrue(AddressMatcher.parse("*").matches("1.2.3.4"));
        assertFalse(AddressMatcher.parse("").matches("1.2.3.4"));
        assertTrue(AddressMatcher.parse("192.168.1.1-100").matches("192.168.1.100"));
        assertFalse(AddressMatcher.parse("192.168.1.1-100").matches("192.168.1.101"));
        assertTrue(AddressMatcher.parse("192.168.*.5").matches("192.168.7.5"));
        assertFalse(AddressMatcher.parse("192.168.*.5").matches("192.168.7.6"), "stricter than RocketMQ");
        assertTrue(AddressMatcher.parse("10.0.0.{1,2}").matches("10.0.0.2"));
        assertFalse(AddressMatcher.parse("10.0.0.{1,2}").matches("10.0.0.3"));
        assertTrue(AddressMatcher.parse("1.1.1.1,2.2.2.2").matches("2.2.2.2"));
        assertThrows(IllegalArgumentException.class, () -> AddressMatcher.parse("10.0.300.1"));
    }
}
