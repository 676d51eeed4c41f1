package dev.halfmoon.broker.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each request needs of an account. */
class AclNeedsTest {
    private static AclNeeds of(int code, Map<String, String> header) {
        return AclNeeds.of(RemotingCommand.request(code, header, null), (offset, id) -> Optional.empty());
    }

    @Test
    void aSendBackNeedsTheRightToReadTheTopicTheMessageCameFrom() {
        AclNeeds needs = of(RequestCode.CONSUMER_SEND_MSG_BACK, Map.of("group", "CG", "offset", "0", "originTopic", "Payroll"));
        assertEquals(Map.of("Payroll", AclPerm.SUB), needs.topics());
        assertEquals(Map.of("CG", AclPerm.SUB), needs.groups());
        assertEquals(Map.of(), of(RequestCode.CONSUMER_SEND_MSG_BACK, Map.of("group", "CG", "offset", "0",
                "originTopic", "%RETRY%CG")).topics(), "its own retries: the group's right is enough");
        assertEquals(Map.of("CG", AclPerm.SUB, "Other", AclPerm.SUB), of(RequestCode.CONSUMER_SEND_MSG_BACK, Map.of("group",
                "CG", "offset", "0", "originTopic", "%RETRY%Other")).groups(), "another group's retries: its right too");
    }
    /** Queries read what pulls read: never the internal topics (pending halves of every topic), a retry by its group. */
    @Test
    void aQueryOfAnInternalTopicNeedsAnAdminAndOfARetryTopicItsGroupsRight() {
        assertEquals(true, of(RequestCode.QUERY_MESSAGE, Map.of("topic", "RMQ_SYS_TRANS_HALF_TOPIC", "key", "order-1"))
                .admin());
        assertEquals(true, of(RequestCode.QUERY_MESSAGE, Map.of("topic", "SCHEDULE_TOPIC_XXXX", "key", "k")).admin());
        AclNeeds retry = of(RequestCode.QUERY_MESSAGE, Map.of("topic", "%RETRY%CG", "key", "k"));
        assertEquals(Map.of("CG", AclPerm.SUB), retry.groups());
        assertEquals(Map.of(), retry.topics());
        assertEquals(Map.of("Orders", AclPerm.SUB), of(RequestCode.QUERY_MESSAGE, Map.of("topic", "Orders", "key", "k"))
                .topics());
    }
}
