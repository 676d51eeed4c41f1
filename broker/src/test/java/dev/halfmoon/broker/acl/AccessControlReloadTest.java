package dev.halfmoon.broker.acl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed ACL file takes effect on the next reload; a malformed one keeps the rules in force. */
class AccessControlReloadTest {
    @TempDir
    Path dir;

    private static String admin(String accessKey) {
        return "accounts:\n  - accessKey: " + accessKey + "\n    secretKey: secret-of-" + accessKey + "\n    admin: true\n";
    }

    @Test
    void aGoodChangeIsTakenAndAMalformedOneIsNot() throws Exception {
        Path file = dir.resolve("plain_acl.yml");
        Files.writeString(file, admin("first-admin"));
        AccessControl acl = AccessControl.load(file, (offset, id) -> Optional.empty());
        assertTrue(acl.admin("first-admin", "secret-of-first-admin").isPresent());

        Files.writeString(file, admin("second-admin"));
        acl.reloadIfChanged();
        assertTrue(acl.admin("second-admin", "secret-of-second-admin").isPresent(), "the new file is in force");
        assertFalse(acl.admin("first-admin", "secret-of-first-admin").isPresent(), "the old account is gone");

        Files.writeString(file, "accounts: [ this is : not yaml");
        acl.reloadIfChanged();
        assertTrue(acl.admin("second-admin", "secret-of-second-admin").isPresent(), "a malformed file keeps the rules");

        Files.writeString(file, ""); // (a copy half done: not "no accounts, refuse everyone")
        acl.reloadIfChanged();
        assertTrue(acl.admin("second-admin", "secret-of-second-admin").isPresent(), "an emptied file keeps the rules");

        Files.delete(file);
        acl.reloadIfChanged();
        assertTrue(acl.admin("second-admin", "secret-of-second-admin").isPresent(), "an unreadable file keeps the rules");
    }
}
