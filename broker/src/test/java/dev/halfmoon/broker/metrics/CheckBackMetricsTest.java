package dev.halfmoon.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.halfmoon.broker.Broker;
import dev.halfmoon.broker.TestBrokers;
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

/** halfmoon_checkbacks_answered counts answers to check-backs, so that sent minus answered is what went unanswered. */
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
}
