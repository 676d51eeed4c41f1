package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RocketMQ's ACL signature: sorted header values, then the body, HmacSHA1, Base64. */
class AclSignatureTest {
    @Test
    void signaturesMatchRocketMqsScheme() {
        RemotingCommand bare = RemotingCommand.request(RequestCode.SEND_MESSAGE, Map.of("topic", "TopicTest"), null);
        RemotingCommand signed = AclSignature.sign(bare, "RocketMQ", "12345678");
        assertEquals("0jiwhsaYp5ObE5GObbZH1I8/FT4=", signed.ext(AclSignature.SIGNATURE), "content RocketMQTopicTest");
        RemotingCommand withBody = AclSignature.sign(bare.withBody("hello".getBytes(StandardCharsets.UTF_8)), "RocketMQ", "12345678");
        assertEquals("IlhJmDi56c1+sdRGdQLyYHpYz4g=", withBody.ext(AclSignature.SIGNATURE));
        assertTrue(AclSignature.verify(withBody, "12345678"));
        assertFalse(AclSignature.verify(withBody, "123456789"));
        assertFalse(AclSignature.verify(withBody.withBody("hellO".getBytes(StandardCharsets.UTF_8)), "12345678"));
        assertFalse(AclSignature.verify(bare, "12345678"), "no signature at all");
    }

    @Test
    void theUniqueKeyQueryFlagMayBeSignedOrNot() {
        RemotingCommand query = RemotingCommand.request(RequestCode.QUERY_MESSAGE, Map.of("topic", "T", "key", "k"), null);
        RemotingCommand signedWithout = AclSignature.sign(query, "RocketMQ", "12345678").withExt("_UNIQUE_KEY_QUERY", "true");
        RemotingCommand signedWith = AclSignature.sign(query.withExt("_UNIQUE_KEY_QUERY", "true"), "RocketMQ", "12345678");
        assertTrue(AclSignature.verify(signedWithout, "12345678"), "as RocketMQ's broker checks it");
        assertTrue(AclSignature.verify(signedWith, "12345678"), "as RocketMQ's 4.9.8 client signs it");
    }
}
