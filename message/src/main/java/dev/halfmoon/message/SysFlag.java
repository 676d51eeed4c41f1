package dev.halfmoon.message;

/**
 * The bits of a stored record's SYSFLAG field, with RocketMQ's values ({@code MessageSysFlag}).
 *
 * <p>Bits 2–3 hold the transaction type; bits 8–10 the compression type of a compressed body.
 * Stateless; thread-safe.
 */
public final class SysFlag {
    public static final int COMPRESSED = 0x1;
    public static final int MULTI_TAGS = 0x2;
    public static final int TRANSACTION_NOT_TYPE = 0;
    public static final int TRANSACTION_PREPARED_TYPE = 0x4;
    public static final int TRANSACTION_COMMIT_TYPE = 0x8;
    public static final int TRANSACTION_ROLLBACK_TYPE = 0xC;
    /** Mask of the transaction type bits. */
    public static final int TRANSACTION_MASK = 0xC;
    public static final int BORNHOST_V6 = 0x10;
    public static final int STOREHOST_V6 = 0x20;
    public static final int NEED_UNWRAP = 0x40;
    public static final int INNER_BATCH = 0x80;
    /** Mask of the compression type bits (1 LZ4, 2 ZSTD, 3 ZLIB; 0 with {@link #COMPRESSED} means ZLIB). */
    public static final int COMPRESSION_TYPE_MASK = 0x700;

    private SysFlag() {
    }

    /** The transaction type bits of {@code sysFlag}: one of the {@code TRANSACTION_*_TYPE} values. */
    public static int transactionType(int sysFlag) {
        return sysFlag & TRANSACTION_MASK;
    }

    /** {@code sysFlag} with its transaction type bits replaced by {@code type}. */
    public static int withTransactionType(int sysFlag, int type) {
        return (sysFlag & ~TRANSACTION_MASK) | (type & TRANSACTION_MASK);
    }
}
