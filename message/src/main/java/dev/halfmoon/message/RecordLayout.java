package dev.halfmoon.message;

/**
 * Byte layout of one stored message record: RocketMQ's commit-log format, version 1.
 * The same bytes are the record format of pull, view and check-back bodies.
 *
 * <pre>
 * offset  width   field
 *  0      4       TOTALSIZE                whole record, this field included
 *  4      4       MAGICCODE                {@link #MESSAGE_MAGIC} (0xDAA320A7)
 *  8      4       BODYCRC                  CRC32(body) &amp; 0x7FFFFFFF, over the stored body bytes
 * 12      4       QUEUEID
 * 16      4       FLAG                     the user's Message.flag
 * 20      8       QUEUEOFFSET              consume-queue index, patched in at append
 * 28      8       PHYSICALOFFSET           commit-log offset of this record, patched in at append
 * 36      4       SYSFLAG                  {@link SysFlag} bits
 * 40      8       BORNTIMESTAMP            ms
 * 48      8|20    BORNHOST                 IPv4 (4) + port int32, or IPv6 (16) + port with {@link SysFlag#BORNHOST_V6}
 * 56+b    8       STORETIMESTAMP           ms, patched in at append
 * 64+b    8|20    STOREHOST                same encoding, 20 bytes with {@link SysFlag#STOREHOST_V6}
 * 72+b+s  4       RECONSUMETIMES
 * 76+b+s  8       PREPAREDTRANSACTIONOFFSET commit-log offset of the half a committed record came from, else 0
 * 84+b+s  4+n     BODY                     int32 length, body bytes
 * ...     1+t     TOPIC                    signed byte length (so at most 127 bytes), UTF-8
 * ...     2+p     PROPERTIES               signed int16 length (at most 32767 bytes), UTF-8 {@link MessageProperties}
 * </pre>
 * where {@code b} and {@code s} are 12 for an IPv6 host and 0 otherwise. All integers are big-endian.
 * With IPv4 hosts a record is {@code 91 + n + t + p} bytes.
 */
public final class RecordLayout {
    public static final int MESSAGE_MAGIC = 0xDAA320A7;
    /** Magic of the filler that closes a commit-log segment: TOTALSIZE = bytes left, then this. */
    public static final int BLANK_MAGIC = 0xCBD43194;

    public static final int TOTAL_SIZE_POSITION = 0;
    public static final int MAGIC_POSITION = 4;
    public static final int BODY_CRC_POSITION = 8;
    public static final int QUEUE_ID_POSITION = 12;
    public static final int FLAG_POSITION = 16;
    public static final int QUEUE_OFFSET_POSITION = 20;
    public static final int PHYSICAL_OFFSET_POSITION = 28;
    public static final int SYS_FLAG_POSITION = 36;
    public static final int BORN_TIMESTAMP_POSITION = 40;
    public static final int BORN_HOST_POSITION = 48;

    /** Bytes of a record with IPv4 hosts and an empty body, topic and properties. */
    public static final int FIXED_SIZE_V4 = 91;
    /** Extra bytes an IPv6 host takes over an IPv4 one. */
    public static final int V6_EXTRA = 12;
    public static final int MAX_TOPIC_BYTES = Byte.MAX_VALUE;
    public static final int MAX_PROPERTIES_BYTES = Short.MAX_VALUE;
    /** Bytes of a blank filler record: TOTALSIZE and magic. */
    public static final int BLANK_SIZE = 8;

    private RecordLayout() {
    }

    /** Host field width for the given v6 bit. */
    static int hostWidth(boolean v6) {
        return v6 ? 20 : 8;
    }

    /** Position of STORETIMESTAMP for a record with this sys flag. */
    public static int storeTimestampPosition(int sysFlag) {
        return BORN_HOST_POSITION + hostWidth((sysFlag & SysFlag.BORNHOST_V6) != 0);
    }

    /** Position of STOREHOST for a record with this sys flag. */
    public static int storeHostPosition(int sysFlag) {
        return storeTimestampPosition(sysFlag) + 8;
    }

    /** Position of RECONSUMETIMES for a record with this sys flag. */
    public static int reconsumeTimesPosition(int sysFlag) {
        return storeHostPosition(sysFlag) + hostWidth((sysFlag & SysFlag.STOREHOST_V6) != 0);
    }

    /** Position of PREPAREDTRANSACTIONOFFSET for a record with this sys flag. */
    public static int preparedTransactionOffsetPosition(int sysFlag) {
        return reconsumeTimesPosition(sysFlag) + 4;
    }

    /** Position of the body length field for a record with this sys flag. */
    public static int bodyLengthPosition(int sysFlag) {
        return preparedTransactionOffsetPosition(sysFlag) + 8;
    }
}
