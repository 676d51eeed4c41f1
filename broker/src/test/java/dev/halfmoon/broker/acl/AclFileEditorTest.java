package dev.halfmoon.broker.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changes to the ACL file over the wire: what is kept, what is replaced, what is refused, and when it counts. */
class AclFileEditorTest {
    private static final String FILE = """
            # written by hand
            globalWhiteRemoteAddresses:
              - 10.10.103.*
            accounts:
              - accessKey: order-service
                secretKey: order-secret-key
                whiteRemoteAddress: 192.168.0.*
                defaultTopicPerm: DENY
                topicPerms:
                  - Orders=PUB
                groupPerms:
                  - order-group=SUB
              - accessKey: halfmoon-admin
                secretKey: admin-secret-key
                admin: true
            """;

    @TempDir
    Path dir;
    Path file;
    AccessControl acl;
    AclFileEditor editor;
    static final AclFileEditor.Who ADMIN = new AclFileEditor.Who("halfmoon-admin", "127.0.0.1:1");
    static final AclFileEditor.Who UNSIGNED = new AclFileEditor.Who(null, "10.10.103.7:1");

    @BeforeEach
    void write() throws Exception {
        file = dir.resolve("plain_acl.yml");
        Files.writeString(file, FILE);
        acl = AccessControl.load(file, (offset, id) -> Optional.empty());
        editor = new AclFileEditor(file, acl);
    }

    private AclRules rules() throws Exception {
        return AclRules.parse(Files.readString(file));
    }

    @Test
    void anAddedAccountIsInForceAtOnceAndTheRestOfTheFileStays() throws Exception {
        editor.upsert(new AclFileEditor.AccountChange("shop-service", "shop-secret-key", null, false, "PUB", "SUB",
                "Secret=DENY", null), ADMIN);
        assertTrue(acl.account("shop-service", "shop-secret-key").isPresent(), "in force without waiting for the watch");
        AclRules rules = rules();
        assertEquals(3, rules.accounts().size());
        AclAccount shop = rules.accounts().get("shop-service");
        assertEquals(AclPerm.PUB, shop.topicPerm("Orders"));
        assertEquals(AclPerm.DENY, shop.topicPerm("Secret"));
        assertEquals(AclPerm.SUB, shop.groupPerm("any-group"));
        AclAccount order = rules.accounts().get("order-service");
        assertEquals(AclPerm.PUB, order.topicPerm("Orders"));
        assertTrue(order.whiteRemoteAddress().matches("192.168.0.7"));
        assertTrue(rules.globalWhiteRemoteAddresses().get(0).matches("10.10.103.1"));
        assertEquals(1L, editor.version().get("counter"));
    }

    @Test
    void aChangedAccountKeepsWhatTheChangeDoesNotGive() throws Exception {
        editor.upsert(new AclFileEditor.AccountChange("order-service", "new-order-secret", null, false, null, null, null,
                "order-group=PUB|SUB"), ADMIN);
        AclAccount order = rules().accounts().get("order-service");
        assertEquals("new-order-secret", order.secretKey());
        assertEquals(AclPerm.PUB, order.topicPerm("Orders"), "topicPerms not given: kept");
        assertTrue(order.whiteRemoteAddress().matches("192.168.0.7"), "whiteRemoteAddress not given: kept");
        assertEquals(AclPerm.PUB | AclPerm.SUB, order.groupPerm("order-group"));
        assertFalse(acl.account("order-service", "order-secret-key").isPresent(), "the old secret no longer signs");

        editor.upsert(new AclFileEditor.AccountChange("order-service", "new-order-secret", "", false, null, null, "", null),
                ADMIN);
        order = rules().accounts().get("order-service");
        assertTrue(order.topicPerms().isEmpty(), "blank topicPerms: cleared");
        assertEquals(AclPerm.PUB | AclPerm.SUB, order.groupPerm("order-group"));
        assertEquals(2L, editor.version().get("counter"));
    }

    @Test
    void aChangeTheFileCannotHoldIsRefusedAndNothingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException perm = assertThrows(IllegalArgumentException.class, () -> editor.upsert(
                new AclFileEditor.AccountChange("shop-service", "shop-secret-key", null, false, null, null, "Orders=WRITE",
                        null), ADMIN));
        assertTrue(perm.getMessage().contains("shop-service"), perm.getMessage());
        assertThrows(IllegalArgumentException.class, () -> editor.upsert(new AclFileEditor.AccountChange("shop-service",
                "short", null, false, null, null, null, null), ADMIN));
        assertThrows(IllegalArgumentException.class, () -> editor.upsert(new AclFileEditor.AccountChange("shop-service",
                "shop-secret-key", "10.300.*", false, null, null, null, null), ADMIN));
        assertThrows(IllegalArgumentException.class, () -> editor.globalWhiteAddresses("not an address", ADMIN));
        assertFalse(editor.delete("nobody-at-all", ADMIN));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertTrue(acl.account("shop-service", "shop-secret-key").isEmpty());
    }

    @Test
    void noAccountLocksItselfOutAndAMissingOrEmptiedFileIsNotRewritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException self = assertThrows(IllegalArgumentException.class, () -> editor.delete("halfmoon-admin",
                ADMIN));
        assertTrue(self.getMessage().contains("no longer be an admin account"), self.getMessage());
        assertThrows(IllegalArgumentException.class, () -> editor.upsert(new AclFileEditor.AccountChange("halfmoon-admin",
                "admin-secret-key", null, false, null, null, null, null), ADMIN));
        editor.upsert(new AclFileEditor.AccountChange("second-admin", "second-secret-key", null, true, null, null, null,
                null), ADMIN);
        editor.upsert(new AclFileEditor.AccountChange("halfmoon-admin", "admin-secret-key", null, false, null, null, null,
                null), new AclFileEditor.Who("second-admin", "127.0.0.1:1")); // (another admin may)
        assertFalse(rules().accounts().get("halfmoon-admin").admin());
        Files.write(file, before);

        Files.writeString(file, "");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> editor.upsert(
                new AclFileEditor.AccountChange("shop-service", "shop-secret-key", null, false, null, null, null, null),
                UNSIGNED));
        assertTrue(empty.getMessage().contains("is empty; restore it first"), empty.getMessage());
        assertEquals("", Files.readString(file));
        Files.delete(file);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> editor.globalWhiteAddresses(
                "10.0.0.*", UNSIGNED));
        assertTrue(missing.getMessage().contains("is missing; restore it first"), missing.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void aFileBrokenByHandIsNotChangedOverTheWire() throws Exception {
        Files.writeString(file, "accounts: [ this is : not yaml");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> editor.delete("order-service",
                ADMIN));
        assertTrue(broken.getMessage().contains("not valid YAML") && broken.getMessage().contains("by hand"),
                broken.getMessage());
        assertEquals("accounts: [ this is : not yaml", Files.readString(file));
        assertTrue(acl.account("order-service", "order-secret-key").isPresent(), "the rules in force stay");
    }

    @Test
    void aDeletedAccountNoLongerSignsAndTheWhiteListIsReplaced() throws Exception {
        assertTrue(editor.delete("order-service", ADMIN));
        assertTrue(acl.account("order-service", "order-secret-key").isEmpty());
        assertEquals(1, rules().accounts().size());
        editor.globalWhiteAddresses(" 172.16.0.* , ,192.168.1.1", ADMIN);
        AclRules rules = rules();
        assertEquals(2, rules.globalWhiteRemoteAddresses().size());
        assertTrue(rules.globalWhiteRemoteAddresses().get(1).matches("192.168.1.1"));
        editor.globalWhiteAddresses("", ADMIN);
        assertTrue(rules().globalWhiteRemoteAddresses().isEmpty());
    }

    @Test
    void aFileReachedThroughASymbolicLinkIsChangedWhereItIs() throws Exception {
        Path real = dir.resolve("managed").resolve("plain_acl.yml");
        Files.createDirectories(real.getParent());
        Files.move(file, real);
        Files.createSymbolicLink(file, real);
        editor.delete("order-service", ADMIN);
        assertTrue(Files.isSymbolicLink(file), "still a link");
        assertEquals(1, AclRules.parse(Files.readString(real)).accounts().size());
    }
}
