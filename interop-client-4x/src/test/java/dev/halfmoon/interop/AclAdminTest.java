package dev.halfmoon.interop;

import static dev.halfmoon.interop.AclTest.ADMIN_AK;
import static dev.halfmoon.interop.AclTest.ADMIN_SK;
import static dev.halfmoon.interop.AclTest.ORDER_AK;
import static dev.halfmoon.interop.AclTest.ORDER_SK;
import static dev.halfmoon.interop.AclTest.hook;
import static dev.halfmoon.interop.AclTest.message;
import static dev.halfmoon.interop.AclTest.refusal;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.remoting.ResponseCode;
import dev.halfmoon.testkit.Admin;
import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.PlainAccessConfig;
import org.apache.rocketmq.common.protocol.body.ClusterAclVersionInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What mqadmin updateAclConfig, deleteAclConfig, updateGlobalWhiteAddr and clusterAclConfigVersion do (rocketmq-tools
 * 4.9.8's DefaultMQAdminExt) against a Halfmoon with ACL on: the broker's ACL file changed over the wire, in force at
 * once, by admin accounts only; a change that would break the file refused with nothing written.
 */
@Timeout(120)
class AclAdminTest {
    static final String SHOP_AK = "shop-service";
    static final String SHOP_SK = "shop-secret-key";

    @TempDir
    Path dir;

    @Test
    void theOfficialAdminToolAddsChangesAndDeletesAccountsInForceAtOnce() throws Exception {
        Path aclFile = dir.resolve("plain_acl.yml");
        Files.writeString(aclFile, AclTest.acl("      - Orders=PUB"));
        Files.setPosixFilePermissions(aclFile, PosixFilePermissions.fromString("rw-r-----"));
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir.resolve("data")).set("aclEnable", "true")
                .set("aclConfigFile", aclFile.toString()).start()) {
            for (String topic : List.of("Orders", "Secret")) {
                Admin.createTopic(halfmoon.brokerAddress(), halfmoon.namesrv(), topic, 1, ADMIN_AK, ADMIN_SK);
            }
            String broker = halfmoon.brokerAddress();
            DefaultMQAdminExt asAdmin = admin(halfmoon, ADMIN_AK, ADMIN_SK);
            DefaultMQAdminExt asOrder = admin(halfmoon, ORDER_AK, ORDER_SK);
            DefaultMQProducer shop = null;
            try {
                ClusterAclVersionInfo before = asAdmin.examineBrokerClusterAclVersionInfo(broker);
                assertEquals(broker, before.getBrokerAddr());
                assertEquals("broker-a", before.getBrokerName());
                long counter = before.getAclConfigDataVersion().getCounter().get();

                PlainAccessConfig account = new PlainAccessConfig();
                account.setAccessKey(SHOP_AK);
                account.setSecretKey(SHOP_SK);
                account.setDefaultTopicPerm("DENY");
                account.setDefaultGroupPerm("DENY");
                account.setTopicPerms(List.of("Orders=PUB"));
                Exception notAdmin = assertThrows(Exception.class, () -> asOrder.createAndUpdatePlainAccessConfig(broker, account));
                assertEquals(ResponseCode.NO_PERMISSION, refusal(notAdmin), notAdmin.toString());

                asAdmin.createAndUpdatePlainAccessConfig(broker, account); // in force when answered: no wait for the watch
                shop = AclTest.producer(halfmoon, "PG-shop", hook(SHOP_AK, SHOP_SK));
                assertEquals(SendStatus.SEND_OK, shop.send(message("Orders", "allowed")).getSendStatus());
                DefaultMQProducer refusedShop = shop;
                Exception secret = assertThrows(Exception.class, () -> refusedShop.send(message("Secret", "not yet")));
                assertEquals(ResponseCode.NO_PERMISSION, refusal(secret), secret.toString());
                String file = Files.readString(aclFile);
                assertTrue(file.contains("accessKey: order-service") && file.contains("accessKey: halfmoon-admin")
                        && file.contains("accessKey: shop-service"), file);
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(aclFile)));

                account.setTopicPerms(List.of("Orders=PUB", "Secret=PUB"));
                asAdmin.createAndUpdatePlainAccessConfig(broker, account);
                assertEquals(SendStatus.SEND_OK, shop.send(message("Secret", "now allowed")).getSendStatus());

                // a permission the file cannot hold: refused, nothing written
                byte[] unchanged = Files.readAllBytes(aclFile);
                account.setTopicPerms(List.of("Orders=WRITE"));
                Exception bad = assertThrows(Exception.class, () -> asAdmin.createAndUpdatePlainAccessConfig(broker, account));
                assertEquals(ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED, refusal(bad), bad.toString());
                assertTrue(bad.getMessage().contains("WRITE"), bad.getMessage());
                assertArrayEquals(unchanged, Files.readAllBytes(aclFile));
                assertEquals(counter + 2, asAdmin.examineBrokerClusterAclVersionInfo(broker).getAclConfigDataVersion()
                        .getCounter().get());

                // an admin cannot lock itself out
                Exception self = assertThrows(Exception.class, () -> asAdmin.deletePlainAccessConfig(broker, ADMIN_AK));
                assertEquals(ResponseCode.DELETE_ACL_CONFIG_FAILED, refusal(self), self.toString());
                asAdmin.deletePlainAccessConfig(broker, SHOP_AK);
                Exception gone = assertThrows(Exception.class, () -> refusedShop.send(message("Orders", "deleted")));
                assertEquals(ResponseCode.NO_PERMISSION, refusal(gone), gone.toString());
                Exception again = assertThrows(Exception.class, () -> asAdmin.deletePlainAccessConfig(broker, SHOP_AK));
                assertEquals(ResponseCode.DELETE_ACL_CONFIG_FAILED, refusal(again), again.toString());
                assertTrue(again.getMessage().contains("not in the ACL file"), again.getMessage());

                asAdmin.updateGlobalWhiteAddrConfig(broker, "10.10.103.*,192.168.0.*");
                assertTrue(Files.readString(aclFile).contains("10.10.103.*"), Files.readString(aclFile));
                Exception badAddress = assertThrows(Exception.class, () -> asAdmin.updateGlobalWhiteAddrConfig(broker,
                        "10.10.300.*"));
                assertEquals(ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, refusal(badAddress), badAddress.toString());
                Exception otherFile = assertThrows(Exception.class, () -> asAdmin.updateGlobalWhiteAddrConfig(broker,
                        "10.10.103.*", dir.resolve("other.yml").toString()));
                assertEquals(ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, refusal(otherFile), otherFile.toString());
            } finally {
                if (shop != null) {
                    shop.shutdown();
                }
                asAdmin.shutdown();
                asOrder.shutdown();
            }
        }
    }

    /**
     * A white-listed address needs no account for anything else, but a change of the ACL must be signed by an admin:
     * else access from one host would become access from anywhere (an admin account, or a white list of *).
     */
    @Test
    void aWhiteListedAddressStillNeedsAnAdminAccountToChangeTheAcl() throws Exception {
        Path aclFile = dir.resolve("plain_acl.yml");
        Files.writeString(aclFile, "globalWhiteRemoteAddresses:\n  - 127.0.0.1\n" + AclTest.acl("      - Orders=PUB"));
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir.resolve("data")).set("aclEnable", "true")
                .set("aclConfigFile", aclFile.toString()).start()) {
            DefaultMQAdminExt unsigned = Clients.admin(halfmoon.namesrv(), null);
            DefaultMQAdminExt asOrder = admin(halfmoon, ORDER_AK, ORDER_SK);
            try {
                unsigned.createAndUpdateTopicConfig(halfmoon.brokerAddress(), new org.apache.rocketmq.common.TopicConfig(
                        "Open", 1, 1, 6)); // (white-listed: not checked)
                Exception wide = assertThrows(Exception.class, () -> unsigned.updateGlobalWhiteAddrConfig(
                        halfmoon.brokerAddress(), "*"));
                assertEquals(ResponseCode.NO_PERMISSION, refusal(wide), wide.toString());
                PlainAccessConfig intruder = new PlainAccessConfig();
                intruder.setAccessKey("intruder-key");
                intruder.setSecretKey("intruder-secret");
                intruder.setAdmin(true);
                Exception signedNotAdmin = assertThrows(Exception.class, () -> asOrder.createAndUpdatePlainAccessConfig(
                        halfmoon.brokerAddress(), intruder));
                assertEquals(ResponseCode.NO_PERMISSION, refusal(signedNotAdmin), signedNotAdmin.toString());
                assertTrue(!Files.readString(aclFile).contains("intruder") && !Files.readString(aclFile).contains("'*'"));
            } finally {
                unsigned.shutdown();
                asOrder.shutdown();
            }
        }
    }

    /** With ACL off there is no file to change: the tool's call is refused, naming why. */
    @Test
    void withAclOffTheCallsAreRefusedNamingWhy() throws Exception {
        try (HalfmoonFixture halfmoon = new HalfmoonFixture(dir.resolve("data")).start()) {
            DefaultMQAdminExt admin = admin(halfmoon, ADMIN_AK, ADMIN_SK);
            try {
                PlainAccessConfig account = new PlainAccessConfig();
                account.setAccessKey(SHOP_AK);
                account.setSecretKey(SHOP_SK);
                Exception off = assertThrows(Exception.class, () -> admin.createAndUpdatePlainAccessConfig(
                        halfmoon.brokerAddress(), account));
                assertEquals(ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED, refusal(off), off.toString());
                assertTrue(off.getMessage().contains("aclEnable=false"), off.getMessage());
            } finally {
                admin.shutdown();
            }
        }
    }

    private static DefaultMQAdminExt admin(HalfmoonFixture halfmoon, String ak, String sk) throws Exception {
        return Clients.admin(halfmoon.namesrv(), hook(ak, sk));
    }
}
