package dev.halfmoon.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.broker.TestBrokers;
import dev.halfmoon.message.OffsetMessageId;
import dev.halfmoon.remoting.RemotingClient;
import dev.halfmoon.remoting.RemotingCommand;
import dev.halfmoon.remoting.RequestCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * halfmoon_checkbacks_answered counts answers to check-backs, so that sent minus answered is what went unanswered;
 * halfmoon_transactions_late_commits the COMMITs that came after a rollback.
 */
@Timeout(60)
class CheckBackMetricsTest {
    @TempDir
    Path dir;

    @Test
    void anEndClaimingToAnswerACheckForNoPendingTransactionIsNotCountedAsAnAnswer() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true", "httpPort", "0");
             RemotingClient client = new RemotingClient("metrics-test")) {
            for (int i = 0; i < 3; i++) {
                RemotingCommand end = RemotingCommand.request(RequestCode.END_TRANSACTION, Map.of("producerGroup", "PG",
                        "tranStateTableOffset", "0", "commitLogOffset", Long.toString(123_456 + i), "commitOrRollback", "8",
                        "fromTransactionCheck", "true", "msgId", "00", "transactionId", "tx-" + i), null);
                client.invokeSync(broker.address(), end, 3000);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(broker.httpAddress().orElseThrow() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertFalse(metrics.matches("(?s).*halfmoon_checkbacks_answered_total\\{[^}]*outcome=\"commit\"[^}]*} [1-9].*"),
                    metrics);
        }
    }

    /** END is oneway: a COMMIT after the rollback reaches no producer, so operators are the ones who must see it. */
    @Test
    void aCommitAfterTheRollbackIsCountedAsLate() throws Exception {
        try (Broker broker = TestBrokers.start(dir, "httpEnable", "true", "httpPort", "0");
             RemotingClient client = new RemotingClient("metrics-test")) {
            client.invokeSync(broker.address(), RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, Map.of("topic",
                    "Orders", "readQueueNums", "1", "writeQueueNums", "1", "perm", "6"), null), 3000);
            Map<String, String> send = new java.util.HashMap<>(Map.of("a", "PG", "b", "Orders", "c", "TBW102", "d", "1",
                    "e", "0", "f", "4", "g", "1", "h", "0"));
            send.put("i", "TRAN_MSG\u0001true\u0002PGROUP\u0001PG\u0002UNIQ_KEY\u0001TX-LATE\u0002");
            RemotingCommand sent = client.invokeSync(broker.address(), RemotingCommand.request(RequestCode.SEND_MESSAGE_V2,
                    send, "order".getBytes()), 3000);
            long half = OffsetMessageId.parse(sent.ext("msgId")).commitLogOffset();
            for (String decision : new String[] {"12", "8"}) { // rolled back, then committed
                client.invokeSync(broker.address(), RemotingCommand.request(RequestCode.END_TRANSACTION, Map.of(
                        "producerGroup", "PG", "tranStateTableOffset", "0", "commitLogOffset", Long.toString(half),
                        "commitOrRollback", decision, "fromTransactionCheck", "false", "msgId", sent.ext("msgId"),
                        "transactionId", "TX-LATE"), null), 3000);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(broker.httpAddress().orElseThrow() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.matches("(?s).*halfmoon_transactions_late_commits_total\\{[^}]*outcome=\"rolled_back\"[^}]*} 1\\.0.*"),
                    metrics);
        }
    }
}
