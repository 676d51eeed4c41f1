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
                "Secret=DENY", null));
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
        assertTrue(editor.version().startsWith("{\"counter\":1,\"timestamp\":"), editor.version());
    }

    @Test
    void aChangedAccountKeepsWhatTheChangeDoesNotGive() throws Exception {
        editor.upsert(new AclFileEditor.AccountChange("order-service", "new-order-secret", null, false, null, null, null,
                "order-group=PUB|SUB"));
        AclAccount order = rules().accounts().get("order-service");
        assertEquals("new-order-secret", order.secretKey());
        assertEquals(AclPerm.PUB, order.topicPerm("Orders"), "topicPerms not given: kept");
        assertTrue(order.whiteRemoteAddress().matches("192.168.0.7"), "whiteRemoteAddress not given: kept");
        assertEquals(AclPerm.PUB | AclPerm.SUB, order.groupPerm("order-group"));
        assertFalse(acl.account("order-service", "order-secret-key").isPresent(), "the old secret no longer signs");

        editor.upsert(new AclFileEditor.AccountChange("order-service", "new-order-secret", "", false, null, null, "", null));
        order = rules().accounts().get("order-service");
        assertTrue(order.topicPerms().isEmpty(), "blank topicPerms: cleared");
        assertEquals(AclPerm.PUB | AclPerm.SUB, order.groupPerm("order-group"));
        assertEquals(2, Long.parseLong(editor.version().replaceAll(".*\"counter\":(\\d+).*", "$1")));
    }

    @Test
    void aChangeTheFileCannotHoldIsRefusedAndNothingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        IllegalArgumentException perm = assertThrows(IllegalArgumentException.class, () -> editor.upsert(
                new AclFileEditor.AccountChange("shop-service", "shop-secret-key", null, false, null, null, "Orders=WRITE",
                        null)));
        assertTrue(perm.getMessage().contains("shop-service"), perm.getMessage());
        assertThrows(IllegalArgumentException.class, () -> editor.upsert(new AclFileEditor.AccountChange("shop-service",
                "short", null, false, null, null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> editor.upsert(new AclFileEditor.AccountChange("shop-service",
                "shop-secret-key", "10.300.*", false, null, null, null, null)));
        assertThrows(IllegalArgumentException.class, () -> editor.globalWhiteAddresses("not an address"));
        assertFalse(editor.delete("nobody-at-all"));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertTrue(acl.account("shop-service", "shop-secret-key").isEmpty());
    }

    @Test
    void aFileBrokenByHandIsNotChangedOverTheWire() throws Exception {
        Files.writeString(file, "accounts: [ this is : not yaml");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> editor.delete("order-service"));
        assertTrue(broken.getMessage().contains("not valid YAML") && broken.getMessage().contains("by hand"),
                broken.getMessage());
        assertEquals("accounts: [ this is : not yaml", Files.readString(file));
        assertTrue(acl.account("order-service", "order-secret-key").isPresent(), "the rules in force stay");
    }

    @Test
    void aDeletedAccountNoLongerSignsAndTheWhiteListIsReplaced() throws Exception {
        assertTrue(editor.delete("order-service"));
        assertTrue(acl.account("order-service", "order-secret-key").isEmpty());
        assertEquals(1, rules().accounts().size());
        editor.globalWhiteAddresses(" 172.16.0.* , ,192.168.1.1");
        AclRules rules = rules();
        assertEquals(2, rules.globalWhiteRemoteAddresses().size());
        assertTrue(rules.globalWhiteRemoteAddresses().get(1).matches("192.168.1.1"));
        editor.globalWhiteAddresses("");
        assertTrue(rules().globalWhiteRemoteAddresses().isEmpty());
    }

    @Test
    void aFileReachedThroughASymbolicLinkIsChangedWhereItIs() throws Exception {
        Path real = dir.resolve("managed").resolve("plain_acl.yml");
        Files.createDirectories(real.getParent());
        Files.move(file, real);
        Files.createSymbolicLink(file, real);
        editor.delete("order-service");
        assertTrue(Files.isSymbolicLink(file), "still a link");
        assertEquals(1, AclRules.parse(Files.readString(real)).accounts().size());
    }
}
