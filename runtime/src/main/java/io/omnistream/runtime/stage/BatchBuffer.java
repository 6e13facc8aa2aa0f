package io.omnistream.runtime.stage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Polled records waiting for their batch, in poll order. A batch is due when it holds {@code maxRecords} records,
 * reaches {@code maxBytes} (serialized key + value), or its first record has waited {@code maxWait}. A batch never
 * exceeds either bound, except that a single record larger than {@code maxBytes} forms a batch of its own.
 */
final class BatchBuffer {
    private final int maxRecords;
    private final long maxBytes;
    private final long maxWaitNanos;
    private final Deque<PolledRecord> records = new ArrayDeque<>();
    private long bytes;

    BatchBuffer(int maxRecords, long maxBytes, long maxWaitNanos) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxWaitNanos = maxWaitNanos;
    }

    void add(PolledRecord r) {
        records.addLast(r);
        bytes += r.sizeBytes();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** Nanoseconds until a batch is due (0 if one is); {@link Long#MAX_VALUE} when empty. */
    long nanosUntilDue(long nowNanos) {
        if (records.isEmpty()) {
            return Long.MAX_VALUE;
        }
        if (records.size() >= maxRecords || bytes >= maxBytes) {
            return 0;
        }
        return Math.max(0, records.peekFirst().polledAtNanos() + maxWaitNanos - nowNanos);
    }

    /** Takes the next batch from the head: as many records as fit both bounds, at least one. */
    List<PolledRecord> take() {
        return take(p -> false);
    }

    /**
     * Takes the next batch from the head: as many records as fit both bounds, at least one; a record for which
     * {@code alone} holds forms a batch of its own (the batch ends before it, or with it when it is first).
     */
    List<PolledRecord> take(Predicate<PolledRecord> alone) {
        List<PolledRecord> batch = new ArrayList<>();
        long taken = 0;
        while (!records.isEmpty() && batch.size() < maxRecords) {
            PolledRecord next = records.peekFirst();
            long size = next.sizeBytes();
            boolean single = alone.test(next);
            if (!batch.isEmpty() && (taken + size > maxBytes || single)) {
                break;
            }
            batch.add(records.pollFirst());
            taken += size;
            if (single) {
                break;
            }
        }
        bytes -= taken;
        return batch;
    }

    /** Drops the records of the given partitions (revoked or lost: their next owner re-reads them). */
    void removeIf(Predicate<TopicPartition> partition) {
        records.removeIf(p -> {
            boolean drop = partition.test(new TopicPartition(p.record().topic(), p.record().partition()));
            if (drop) {
                bytes -= p.sizeBytes();
            }
            return drop;
        });
    }
}
