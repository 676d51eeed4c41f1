package dev.halfmoon.remoting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A command's header fields behave as the map processors read them, and no one changes a command's. */
class ExtFieldsTest {
    @Test
    void findsReplacesAndLeavesOutNullsAsAMapWould() {
        ExtFields f = new ExtFields(1);
        f.add("topic", "orders");
        f.add("queueId", "3");
        f.add("topic", "payments"); // replaced, not added twice
        f.add("tags", null);
        f.add(new String("producerGroup"), "g"); // a key that is not the interned literal is found by equals
        assertEquals(3, f.size());
        assertEquals("payments", f.get("topic"));
        assertEquals("g", f.get("producerGroup"));
        assertNull(f.get("tags"));
        assertFalse(f.containsKey("tags"));
        assertTrue(f.containsKey("queueId"));
        assertEquals(Map.of("topic", "payments", "queueId", "3", "producerGroup", "g"), f);
        assertEquals(new HashMap<>(f), f);
    }

    @Test
    void aHeaderWithMoreFieldsThanAnyCommandHasIsRefusedWhenDecoded() {
        StringBuilder json = new StringBuilder("{\"code\":10,\"extFields\":{");
        for (int i = 0; i <= ExtFields.MAX_FIELDS; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        byte[] header = json.append("}}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RemotingDecodeException e = assertThrows(RemotingDecodeException.class, () -> HeaderCodec.decodeJson(header, null));
        assertTrue(e.getMessage().contains("at most " + ExtFields.MAX_FIELDS + " fields"), e.getMessage());
    }

    @Test
    void aCommandsFieldsCannotBeChangedAndWithExtCopies() {
        RemotingCommand r = RemotingCommand.request(RequestCode.SEND_MESSAGE, Map.of("topic", "orders"), null);
        assertThrows(UnsupportedOperationException.class, () -> r.extFields().put("topic", "x"));
        assertThrows(UnsupportedOperationException.class, () -> r.extFields().remove("topic"));
        assertThrows(UnsupportedOperationException.class, () -> r.extFields().clear());
        RemotingCommand more = r.withExt("queueId", 5).withExt(Map.of("topic", "payments"));
        assertEquals(Map.of("topic", "orders"), r.extFields());
        assertEquals(Map.of("topic", "payments", "queueId", "5"), more.extFields());
        RemotingCommand response = RemotingCommand.response(r, ResponseCode.SUCCESS, null);
        assertEquals(Map.of(), response.extFields());
        assertEquals(Map.of("msgId", "m1"), response.withExt("msgId", "m1").extFields());
        assertEquals(Map.of(), response.extFields(), "the shared empty fields are never added to");
    }
}
