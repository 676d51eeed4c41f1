package dev.halfmoon.remoting.body;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** RocketMQ's rule for topic and group names: the characters %|a-zA-Z0-9_- and a length limit. */
class TopicValidatorTest {
    @Test
    void legalAndIllegalNames() {
        assertNull(TopicValidator.problem("Orders_2026-12|%RETRY%x"));
        assertNull(TopicValidator.problem("t".repeat(TopicValidator.MAX_LENGTH)));
        assertNotNull(TopicValidator.problem("t".repeat(TopicValidator.MAX_LENGTH + 1)));
        for (String bad : new String[] {"", " ", "a b", "a.b", "a/b", "caf\u00e9", "a\nb", "a:b", "\u0661"}) {
            assertNotNull(TopicValidator.problem(bad), bad);
        }
        assertNull(TopicValidator.groupProblem("CG-orders"));
        assertNotNull(TopicValidator.groupProblem("g".repeat(TopicValidator.MAX_GROUP_LENGTH + 1)));
        assertNotNull(TopicValidator.groupProblem("a.b"));
    }

    /** The same answers as RocketMQ's regular expression, {@code ^[%|a-zA-Z0-9_-]+$}, for many random names. */
    @Test
    void agreesWithRocketMqsRegularExpression() {
        Pattern rocketMq = Pattern.compile("^[%|a-zA-Z0-9_-]+$");
        String alphabet = "%|aZz09_-. /\u00e9\u0661:\t";
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = name.toString();
            boolean legal = !s.isBlank() && rocketMq.matcher(s).matches();
            assertEquals(legal, TopicValidator.problem(s) == null, s);
        }
    }
}
