package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderCodecTest {
    private static RemotingCommand json(String header) {
        return HeaderCodec.decodeJson(header.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void readsWhatFastjsonWritesAndSkipsWhatItDoesNotKnow() {
        RemotingCommand c = json("{\"code\":310,\"extFields\":{\"a\":\"group\",\"e\":3,\"m\":false,\"n\":null,"
                + "\"o\":{\"x\":[1,2]}},\"flag\":2,\"language\":\"GO\",\"opaque\":77,\"newField\":{\"deep\":[{}]},"
                + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":433}");
        assertEquals(310, c.code());
        assertEquals(2, c.flag());
        assertEquals(77, c.opaque());
        assertEquals(433, c.version());
        assertEquals(LanguageCode.named("GO"), c.language());
        assertNull(c.remark());
        assertEquals(Map.of("a", "group", "e", "3", "m", "false", "o", "{\"x\":[1,2]}"), c.extFields());
    }

    @Test
    void acceptsTheLenientJsonOldClientsSendAndFillsDefaults() {
        RemotingCommand c = json("{code:11, 'remark':'hi', /* note */ opaque:\"5\"}");
        assertEquals(11, c.code());
        assertEquals("hi", c.remark());
        assertEquals(5, c.opaque());
        assertEquals(0, c.version());
        assertEquals(LanguageCode.named("JAVA"), c.language());
        assertNull(c.extFields());
    }

    @Test
    void refusesHeadersWithoutAnIntegerCode() {
        for (String bad : new String[] {"{}", "{\"code\":\"10\"}", "{\"code\":1e3}", "{\"code\":99999999999}", "[1]",
                "\"code\"", "{\"code\":10", "{\"code\":10,", "not json", ""}) {
            assertThrows(RemotingDecodeException.class, () -> json(bad), bad);
        }
    }
}
