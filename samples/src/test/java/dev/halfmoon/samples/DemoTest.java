package dev.halfmoon.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The main job: the demo tells its story and the three services agree at the end. */
@Timeout(180)
class DemoTest {
    @Test
    void theDemoRunsItsStoryAndTheServicesAgree() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        boolean agreed = new DemoMain(new PrintStream(text, true, StandardCharsets.UTF_8)).run();
        String story = text.toString(StandardCharsets.UTF_8);
        assertTrue(agreed, story);
        for (String expected : new String[] {"1. An order is committed and paid", "Redelivered and ignored",
                "2. A local transaction fails", "ROLLBACK", "3. The order service commits order C-1003",
                "4. While C-1003 is pending", "group order-service", "C-1003 is paid", "D-1004 is paid", "Yes: every committed order"}) {
            assertTrue(story.contains(expected), "missing '" + expected + "' in:\n" + story);
        }
    }
}
