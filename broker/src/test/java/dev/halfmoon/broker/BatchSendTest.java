package dev.halfmoon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.message.SysFlag;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RocketMQ's rules for batches: no retry topic, no transaction type, no delayed message inside. */
class BatchSendTest extends LiveBrokers {
    private static byte[] oneItem(String properties) {
        byte[] body = {1, 2, 3};
        byte[] props = properties.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(20 + body.length + 2 + props.length);
        b.putInt(b.capacity()).putInt(0).putInt(0).putInt(0).putInt(body.length).put(body);
        b.putShort((short) props.length).put(props);
        return b.array();
    }

    private RemotingCommand batch(Broker b, String topic, int sysFlag, String itemProperties) {
        Map<String, String> h = new HashMap<>(Map.of("a", "PG", "b", topic, "c", "TBW102", "d", "4", "e", "0",
                "f", Integer.toString(sysFlag), "g", "1", "h", "0", "j", "0", "m", "true"));
        return ask(b.address(), RequestCode.SEND_BATCH_MESSAGE, h, oneItem(itemProperties));
    }

    @Test
    void batchesToRetryTopicsOrOfTransactionTypeOrWithDelaysAreRefused() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        createTopic(b, "Jobs");
        createTopic(b, "%RETRY%CG");
        RemotingCommand retry = batch(b, "%RETRY%CG", 0, "");
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, retry.code(), retry.remark());
        assertTrue(retry.remark().contains("retry group"), retry.remark());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, batch(b, "Jobs", SysFlag.TRANSACTION_COMMIT_TYPE, "").code());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, batch(b, "Jobs", 0, "DELAY\u00012\u0002").code());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, batch(b, "Jobs", 0, "TIMER_DELAY_SEC\u000160\u0002").code());
        assertEquals(ResponseCode.SUCCESS, batch(b, "Jobs", 0, "KEYS\u0001k\u0002").code());
    }
}
