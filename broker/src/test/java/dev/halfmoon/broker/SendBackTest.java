package dev.halfmoon.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.message.SysFlag;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import dev.halfmoon.remoting.ResponseCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CONSUMER_SEND_MSG_BACK hands back only what the group was given: never a half, never another topic's message. */
class SendBackTest extends LiveBrokers {
    private long send(Broker b, String topic, boolean half) {
        Map<String, String> h = new HashMap<>(Map.of("a", "PG", "b", topic, "c", "TBW102", "d", "4", "e", "0",
                "f", Integer.toString(half ? SysFlag.TRANSACTION_PREPARED_TYPE : 0), "g", "1", "h", "0", "j", "0"));
        h.put("i", half ? "TRAN_MSG\u0001true\u0002PGROUP\u0001PG\u0002" : "");
        RemotingCommand r = ask(b.address(), RequestCode.SEND_MESSAGE_V2, h, "body".getBytes(StandardCharsets.UTF_8));
        assertEquals(ResponseCode.SUCCESS, r.code(), r.remark());
        return OffsetMessageId.parse(r.ext("msgId")).commitLogOffset();
    }

    private RemotingCommand sendBack(Broker b, long offset, String originTopic) {
        Map<String, String> h = new HashMap<>(Map.of("offset", Long.toString(offset), "group", "CG-x", "delayLevel", "1",
                "maxReconsumeTimes", "16", "originMsgId", "X"));
        if (originTopic != null) {
            h.put("originTopic", originTopic);
        }
        return ask(b.address(), RequestCode.CONSUMER_SEND_MSG_BACK, h, null);
    }

    @Test
    void aHalfOrAnotherTopicsMessageIsNotCopiedToTheGroupsRetryTopic() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        createTopic(b, "Jobs");
        createTopic(b, "Payroll");
        long half = send(b, "Jobs", true);
        long payroll = send(b, "Payroll", false);
        long job = send(b, "Jobs", false);

        for (String origin : new String[] {"Jobs", null}) { // an uncommitted half, whatever the consumer says
            RemotingCommand refused = sendBack(b, half, origin);
            assertEquals(ResponseCode.SYSTEM_ERROR, refused.code(), refused.remark());
            assertTrue(refused.remark().contains("check the topic name"), refused.remark());
        }
        assertEquals(ResponseCode.SYSTEM_ERROR, sendBack(b, payroll, "Jobs").code(), "a topic the group did not read");
        assertEquals(ResponseCode.SYSTEM_ERROR, sendBack(b, payroll, null).code(), "a topic not named (nor checked)");
        assertEquals(ResponseCode.SYSTEM_ERROR, sendBack(b, payroll, "").code(), "a topic not named (nor checked)");
        assertEquals(ResponseCode.SUCCESS, sendBack(b, job, "Jobs").code(), "what it was given goes back for a retry");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.store().dispatchedOffset() == b.store().writtenOffset());
        assertEquals(1, countSchedule(b), "one copy made, waiting for its retry's delay");
    }

    @Test
    void aRedeliveryAndADeadLetterReadByAnotherGroupGoBackAsTheirConsumersSay() {
        Broker b = broker(dir, nameServer(120_000).address(), Map.of());
        createTopic(b, "%RETRY%CG-x");
        createTopic(b, "%DLQ%CG-y");
        long retried = send(b, "%RETRY%CG-x", false); // a redelivery: its consumer names the original topic
        assertEquals(ResponseCode.SUCCESS, sendBack(b, retried, "Jobs").code());
        long dead = send(b, "%DLQ%CG-y", false); // a dead letter CG-x reads by subscribing to %DLQ%CG-y
        assertEquals(ResponseCode.SUCCESS, sendBack(b, dead, "%DLQ%CG-y").code());
        createTopic(b, "%RETRY%CG-z");
        long others = send(b, "%RETRY%CG-z", false); // another group's retries, consumed by subscribing to them (ACL:
        assertEquals(ResponseCode.SUCCESS, sendBack(b, others, "%RETRY%CG-z").code()); // that group's right, AclNeedsTest)
        assertEquals(ResponseCode.SYSTEM_ERROR, sendBack(b, others, "Jobs").code(), "not the topic it is on");
    }

    private static long countSchedule(Broker b) {
        long n = 0;
        for (int q = 0; q < 18; q++) {
            n += b.store().maxQueueOffset("SCHEDULE_TOPIC_XXXX", q);
        }
        return n;
    }
}
