package dev.halfmoon.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RecordCodecTest {
    static RecordDraft draft(String topic, String body, Map<String, String> props) {
        return new RecordDraft(topic, 3, 9, 0, 1_700_000_000_000L,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 4567),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911), 2, 0L,
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), MessageProperties.encode(props));
    }

    @Test
    void encodedRecordHasRocketMqSizeAndDecodesFieldForField() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperty.TAGS, "TagA");
        props.put(MessageProperty.KEYS, "order-1 order-2");
        ByteBuffer record = RecordEncoder.encode(draft("orders", "hello", props));
        String propsString = MessageProperties.encode(props);
        assertEquals(91 + 5 + "orders".length() + propsString.length(), record.remaining());

        RecordView view = RecordView.of(record);
        assertEquals(RecordView.Check.OK, view.check(true));
        assertEquals(record.remaining(), view.totalSize());
        assertEquals(3, view.queueId());
        assertEquals(9, view.flag());
        assertEquals(2, view.reconsumeTimes());
        assertEquals(1_700_000_000_000L, view.bornTimestamp());
        assertEquals(10911, view.storeHost().getPort());
        assertEquals(4567, view.bornHost().getPort());
        assertEquals("orders", view.topic());
        assertEquals("hello", StandardCharsets.UTF_8.decode(view.body()).toString());
        assertEquals(props, view.properties());
        assertEquals("TagA", MessageProperties.find(view.propertiesString(), MessageProperty.TAGS));
    }

    @Test
    void ipv6HostsSetTheirFlagsAndWidenTheRecord() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 1234);
        RecordDraft d = draft("t", "b", Map.of());
        RecordDraft six = new RecordDraft(d.topic(), 0, 0, 0, 1, v6, v6, 0, 0, d.body(), "");
        RecordView view = RecordView.of(RecordEncoder.encode(six));
        assertEquals(RecordView.Check.OK, view.check(true));
        assertEquals(91 + 1 + 1 + 24, view.totalSize());
        assertEquals(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6, view.sysFlag());
        assertEquals(v6, view.storeHost());
        assertEquals("t", view.topic());
    }

    @Test
    void checkFindsBadMagicTruncationAndCorruptBody() {
        ByteBuffer record = RecordEncoder.encode(draft("orders", "hello world", Map.of("A", "1")));
        assertEquals(RecordView.Check.TRUNCATED,
                RecordView.of(record.duplicate().limit(record.limit() - 1)).check(true));
        ByteBuffer badMagic = copy(record);
        badMagic.putInt(RecordLayout.MAGIC_POSITION, 42);
        assertEquals(RecordView.Check.BAD_MAGIC, RecordView.of(badMagic).check(true));
        ByteBuffer badBody = copy(record);
        int bodyAt = RecordLayout.bodyLengthPosition(0) + 4;
        badBody.put(bodyAt, (byte) (badBody.get(bodyAt) ^ 1));
        assertEquals(RecordView.Check.BAD_BODY_CRC, RecordView.of(badBody).check(true));
        ByteBuffer badLength = copy(record);
        badLength.putInt(RecordLayout.bodyLengthPosition(0), 1_000_000);
        assertEquals(RecordView.Check.BAD_LENGTH, RecordView.of(badLength).check(true));
        assertEquals(RecordView.Check.TRUNCATED, RecordView.of(ByteBuffer.allocate(40)).check(true));
    }

    @Test
    void recordsOfOneTopicShareItsNameAndOthersReadTheirOwn() {
        String first = RecordView.of(RecordEncoder.encode(draft("orders", "a", Map.of()))).topic();
        String again = RecordView.of(RecordEncoder.encode(draft(new String("orders"), "b", Map.of()))).topic();
        assertSame(first, again);
        for (int i = 0; i < 5_000; i++) { // more names than the table's slots: each still reads back as written
            String topic = "topic-" + i + "-\u00e9";
            assertEquals(topic, RecordView.of(RecordEncoder.encode(draft(topic, "c", Map.of()))).topic());
        }
        assertEquals("orders", RecordView.of(RecordEncoder.encode(draft("orders", "d", Map.of()))).topic());
    }

    @Test
    void topicLongerThanTheOneByteLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordEncoder.encode(draft("t".repeat(128), "", Map.of())));
    }

    @Test
    void propertiesDropEmptyNamesAndValuesLikeTheClient() {
        String s = "A\u00011\u0002\u0001x\u0002B\u0001\u0002C\u00013";
        assertEquals(Map.of("A", "1", "C", "3"), MessageProperties.decode(s));
        assertEquals("3", MessageProperties.find(s, "C"));
        assertEquals(null, MessageProperties.find(s, "B"));
        assertEquals(Map.of(), MessageProperties.decode(""));
    }

    @Test
    void appendingAPairReadsBackAsIfItHadBeenEncodedWithTheRest() {
        assertEquals(Map.of("A", "1"), MessageProperties.decode(MessageProperties.append("", "A", "1")));
        assertEquals("2", MessageProperties.find(MessageProperties.append("A\u00011", "B", "2"), "B"));
        assertEquals("2", MessageProperties.find(MessageProperties.append("A\u00011\u0002", "B", "2"), "B"));
        java.util.Map<String, String> props = new java.util.LinkedHashMap<>(Map.of("A", "1", "C", "3"));
        String appended = MessageProperties.append(MessageProperties.encode(props), "B", "2");
        props.put("B", "2");
        assertEquals(props, MessageProperties.decode(appended));
        assertEquals(MessageProperties.encode(props), appended);
    }

    @Test
    void offsetMessageIdRoundTripsAndMatchesStoredHostBytes() {
        ByteBuffer record = RecordEncoder.encode(draft("orders", "x", Map.of()));
        RecordView view = RecordView.of(record);
        String id = OffsetMessageId.encode(view.storeHostBytes(), 123_456L);
        assertEquals(32, id.length());
        OffsetMessageId parsed = OffsetMessageId.parse(id);
        assertEquals(123_456L, parsed.commitLogOffset());
        assertEquals(view.storeHost(), parsed.storeHost());
        assertEquals(id, parsed.encode());
        assertThrows(IllegalArgumentException.class, () -> OffsetMessageId.parse("nothex"));
    }

    @Test
    void tagsCodeIsStringHash() {
        assertEquals(2598919L, TagsCode.of("TagA"));
        assertEquals(100L, TagsCode.of("d"));
        assertEquals(0L, TagsCode.of(null));
    }

    private static ByteBuffer copy(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        ByteBuffer c = ByteBuffer.wrap(bytes);
        assertArrayEquals(bytes, c.array());
        return c;
    }
}
