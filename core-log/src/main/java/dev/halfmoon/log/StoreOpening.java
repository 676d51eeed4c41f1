package dev.halfmoon.log;

import dev.halfmoon.log.meta.Checkpoint;
import dev.halfmoon.log.meta.CheckpointStore;
import dev.halfmoon.log.meta.MessageIndex;
import dev.halfmoon.log.meta.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a {@link LogStore}: recovers the commit log to what is on disk, loads the consume queues, replays the log
 * into them from the last checkpoint (all of it where a queue holds fewer entries than that checkpoint said) and
 * assembles the store's parts. No thread runs until the store is started.
 */
final class StoreOpening {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOpening.class);

    private StoreOpening() {
    }

    /** See {@link LogStore#open}. */
    static LogStore open(StoreConfig config, MetadataStore metadata, StoreHooks hooks) {
        CheckpointStore checkpoints = new CheckpointStore(metadata);
        Checkpoint checkpoint = checkpoints.load();
        TopicDrops drops = TopicDrops.load(metadata);
        SegmentSet segments = SegmentSet.open(config.commitLogDir(), config.commitLog().segmentSizeBytes());
        ConsumeQueues queues = null;
        try {
            long end = CommitLogRecovery.recoverToDisk(segments, checkpoint.flushedOffset(),
                    checkpoint != Checkpoint.NONE, config.commitLog().checkBodyCrcOnRecover());
            drops.clampTo(end);
            ConsumeQueues.Loaded loaded = ConsumeQueues.load(config.consumeQueueDir(),
                    config.consumeQueue().entriesPerFile(), checkpoint.queueEnds(), drops.all());
            queues = loaded.queues();
            long staleFrom = queues.dropStale(drops.all());
            queues.truncateAbove(end);
            StoreHealth health = new StoreHealth();
            boolean sync = config.commitLog().flushMode() == FlushMode.SYNC_FLUSH;
            Signal dispatchSignal = new Signal();
            Signal flushSignal = new Signal();
            GroupCommit groupCommit = sync ? new GroupCommit() : null;
            ConsumeQueues q = queues;
            Signal allocateSignal = new Signal();
            CommitLog commitLog = new CommitLog(segments, end, hooks.clock(), hooks.dispatchFilter(), health,
                    groupCommit, sync ? flushSignal : dispatchSignal, allocateSignal, q::end);
            MessageIndex index = config.consumeQueue().messageIndexEnable() ? new MessageIndex(metadata) : null;
            long min = segments.minOffset(end);
            Segment holding = segments.find(loaded.replayFrom()); // (a frame boundary: a segment's start, not a record)
            long behindFrom = loaded.behind().isEmpty() ? Long.MAX_VALUE : holding == null ? min : holding.startOffset();
            long replayFrom = checkpoint == Checkpoint.NONE ? min : Math.max(min,
                    Math.min(Math.min(checkpoint.dispatchedOffset(), end), Math.min(behindFrom, staleFrom)));
            if (!loaded.behind().isEmpty()) {
                LOG.warn("consume queues {} hold fewer entries than the last checkpoint; rebuilding from the log",
                        loaded.behind());
            }
            Dispatcher dispatcher = new Dispatcher(new LogScanner(segments), queues, index, hooks.dispatchFilter(), drops,
                    sync ? commitLog::flushedOffset : commitLog::writtenOffset, replayFrom, dispatchSignal);
            replay(dispatcher, min);
            queues.trimBelow(min);
            drops.pruneBelow(min);
            ConsumeQueues trimmed = queues;
            Services services = new Services(config, hooks, health, commitLog, groupCommit, dispatcher,
                    dispatchSignal, flushSignal, allocateSignal, segments, newMin -> {
                        trimBelow(trimmed, index, newMin);
                        drops.pruneBelow(newMin);
                    });
            LogStore store = new LogStore(config, segments, queues, commitLog, dispatcher, index, checkpoints, drops,
                    health, services, end);
            store.checkpoint();
            return store;
        } catch (RuntimeException e) {
            if (queues != null) {
                queues.close();
            }
            segments.close();
            throw e;
        }
    }

    private static void replay(Dispatcher dispatcher, long logMin) {
        long from = dispatcher.dispatchedOffset();
        dispatcher.drain();
        if (dispatcher.takeGaps() > 0) {
            LOG.warn("consume queues had gaps after replaying from {}; replaying the whole log from {}", from, logMin);
            dispatcher.rewind(logMin);
            dispatcher.drain();
            dispatcher.takeGaps();
        }
    }

    /** After retention: consume queues and the key index forget what points below {@code newMin}. */
    private static void trimBelow(ConsumeQueues queues, MessageIndex index, long newMin) {
        queues.trimBelow(newMin);
        if (index != null) {
            long pruned = index.pruneBelow(newMin);
            LOG.info("retention: {} key index entries below offset {} pruned", pruned, newMin);
        }
    }
}
