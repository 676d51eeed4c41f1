package dev.halfmoon.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.testkit.HalfmoonFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** halfmoon-admin acl set / delete / white / version against a broker with ACL on. */
@Timeout(60)
class AclCommandTest extends LiveBrokerTest {
    Path aclFile;

    @BeforeEach
    void withAcl() throws Exception {
        halfmoon.close();
        aclFile = dir.resolve("plain_acl.yml");
        Files.writeString(aclFile, """
                accounts:
                  - accessKey: halfmoon-admin
                    secretKey: admin-secret-key
                    admin: true
                """);
        halfmoon = new HalfmoonFixture(dir.resolve("acl")).set("aclEnable", "true").set("aclConfigFile", aclFile.toString())
                .start();
    }

    private Run asAdmin(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--access-key", "halfmoon-admin", "--secret-key", "admin-secret-key"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return admin(all);
    }

    private Object counter() {
        Run version = asAdmin("-o", "json", "acl", "version");
        assertEquals(0, version.code(), version.err());
        assertEquals(aclFile.toAbsolutePath().toString(), version.jsonList().get(0).get("file"));
        return version.jsonList().get(0).get("counter");
    }

    @Test
    void accountsAreSetAndDeletedOnTheBrokersAndTheVersionCountsTheChanges() throws Exception {
        assertEquals(0, counter());
        Run set = asAdmin("acl", "set", "shop-service", "--secret", "shop-secret-key", "--default-topic-perm", "DENY",
                "--topics", "Orders=PUB");
        assertEquals(0, set.code(), set.err());
        assertTrue(set.out().contains("account shop-service set"), set.out());
        assertTrue(Files.readString(aclFile).contains("Orders=PUB"), Files.readString(aclFile));
        assertEquals(1, counter());

        Run demoted = asAdmin("acl", "set", "halfmoon-admin", "--secret", "admin-secret-key");
        assertEquals(ExitCodes.FAILED, demoted.code(), demoted.out());
        assertTrue(demoted.err().contains("own admin right"), demoted.err());

        // the secret from standard input, out of the process list
        Run fromStdin = answering("piped-secret-key\n", "--access-key", "halfmoon-admin", "--secret-key", "admin-secret-key",
                "acl", "set", "pipe-service", "--secret", "-");
        assertEquals(0, fromStdin.code(), fromStdin.err());
        assertTrue(Files.readString(aclFile).contains("piped-secret-key"), Files.readString(aclFile));
        Run noSecret = asAdmin("acl", "set", "pipe-service", "--secret", "-");
        assertEquals(ExitCodes.USAGE, noSecret.code(), noSecret.out());
        assertTrue(noSecret.err().contains("standard input"), noSecret.err());

        Run white = asAdmin("acl", "white", "10.0.0.*");
        assertEquals(0, white.code(), white.err());
        assertTrue(Files.readString(aclFile).contains("10.0.0.*"), Files.readString(aclFile));

        Run none = asAdmin("acl", "white", "");
        assertEquals(0, none.code(), none.err());
        assertTrue(!Files.readString(aclFile).contains("10.0.0.*"), Files.readString(aclFile));

        assertEquals(0, asAdmin("acl", "delete", "shop-service").code());
        Run again = asAdmin("acl", "delete", "shop-service");
        assertEquals(ExitCodes.FAILED, again.code(), again.out());
        assertTrue(again.err().contains("not in the ACL file"), again.err());
        assertEquals(5, counter());

        Run unsigned = admin("acl", "delete", "halfmoon-admin");
        assertEquals(ExitCodes.FAILED, unsigned.code(), unsigned.out());
        assertTrue(unsigned.err().contains("No accessKey"), unsigned.err());
    }
}
