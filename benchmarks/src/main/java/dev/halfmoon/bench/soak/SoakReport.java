package dev.halfmoon.bench.soak;

/**
 * What a crash soak found. {@link #ok} when every check held.
 *
 * @param quickKills         extra kills within 300 ms of a restart becoming routable (a crash soon after recovery)
 * @param stalledCycles      restarts after which no transaction was acknowledged within {@link CrashSoak#SERVES_AGAIN_S} s
 * @param started            transactions started by the producers
 * @param failedSends        sends that failed (the broker was down); their halves, if stored, are rolled back by check-back
 * @param acknowledged       transactions whose half was stored and whose local transaction ran
 * @param mustDeliver        of those, the ones that committed (at once or on check-back)
 * @param missing            committed but never delivered
 * @param wronglyDelivered   delivered but rolled back, undecided, or never acknowledged
 * @param storedTwice        extra stored copies of a message (two queue positions for one transaction)
 * @param redelivered        repeated deliveries of the same stored message (at-least-once after a crash; allowed)
 * @param auditMissing       committed but not found by a fresh consumer group reading the log at the end
 * @param auditWrong         found by that group but rolled back, undecided, or never acknowledged
 * @param expectedPending    transactions the producers left undecided
 * @param pending            pending on the broker at the end
 * @param unexpectedPending  pending but not left undecided
 * @param lostPending        left undecided but not pending
 */
public record SoakReport(int cycles, int quickKills, int stalledCycles, int started, int failedSends, int acknowledged, int mustDeliver,
                         long missing, long wronglyDelivered, long storedTwice, long redelivered, long auditMissing,
                         long auditWrong, int expectedPending, int pending, int unexpectedPending, int lostPending,
                         long elapsedMs) implements SoakOutcome {
    @Override
    public boolean ok() {
        return stalledCycles == 0 && acknowledged > 0 && missing == 0 && wronglyDelivered == 0 && storedTwice == 0
                && auditMissing == 0 && auditWrong == 0 && unexpectedPending == 0 && lostPending == 0;
    }

    @Override
    public String toString() {
        return String.format("%d crashes (and %d more just after a restart) in %.0f s (%d without service after the "
                        + "restart): %,d transactions started, "
                        + "%,d sends failed while the broker was down, %,d acknowledged, %,d commits to deliver: %d missing, "
                        + "%d wrongly delivered, %d stored twice, %,d redelivered; read back from the log by a fresh group: "
                        + "%d missing, %d wrong; pending %d of %d expected (%d unexpected, %d lost) -> %s",
                cycles, quickKills, elapsedMs / 1000.0, stalledCycles, started, failedSends, acknowledged, mustDeliver, missing,
                wronglyDelivered, storedTwice, redelivered, auditMissing, auditWrong, pending, expectedPending,
                unexpectedPending, lostPending, ok() ? "OK" : "FAILED");
    }
}
