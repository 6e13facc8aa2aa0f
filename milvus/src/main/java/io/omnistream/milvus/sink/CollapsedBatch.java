package io.omnistream.milvus.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch reduced to what Milvus must do, in this order: first delete {@link #deletes()} from every collection of
 * the topic, then upsert {@link #upserts()} per model version.
 *
 * <p>Reduction rules, per content id, in offset order: a tombstone discards every earlier upsert of that id in the
 * batch (any model version) and schedules a delete; of the upserts after the last tombstone only the last per model
 * version survives (last write wins). A tombstone followed by an upsert therefore deletes everywhere, then writes the
 * new row, which is what replaying the records one by one would leave.
 *
 * @param deletes    tombstone records that survive, one per content id (the last tombstone), in first-seen order
 * @param upserts    model version -> content id -> the winning record, in first-seen order
 * @param superseded records that needed no write of their own (overwritten within the batch)
 */
public record CollapsedBatch(Map<String, PendingRecord> deletes, Map<String, Map<String, PendingRecord>> upserts,
                             List<PendingRecord> superseded) {

    /** Collapses records given in Kafka offset order (per partition; content ids never span partitions). */
    public static CollapsedBatch of(List<PendingRecord> records) {
        Map<String, PendingRecord> deletes = new LinkedHashMap<>();
        Map<String, Map<String, PendingRecord>> upserts = new LinkedHashMap<>();
        List<PendingRecord> superseded = new ArrayList<>();
        for (PendingRecord r : records) {
            if (r.isTombstone()) {
                for (Map<String, PendingRecord> byId : upserts.values()) {
                    PendingRecord dropped = byId.remove(r.rowKey());
                    if (dropped != null) {
                        superseded.add(dropped);
                    }
                }
                PendingRecord previous = deletes.put(r.rowKey(), r);
                if (previous != null) {
                    superseded.add(previous);
                }
            } else {
                PendingRecord previous = upserts.computeIfAbsent(r.modelVersion(), v -> new LinkedHashMap<>())
                        .put(r.rowKey(), r);
                if (previous != null) {
                    superseded.add(previous);
                }
            }
        }
        upserts.values().removeIf(Map::isEmpty);
        return new CollapsedBatch(Collections.unmodifiableMap(deletes), Collections.unmodifiableMap(upserts),
                Collections.unmodifiableList(superseded));
    }

    public int upsertCount() {
        return upserts.values().stream().mapToInt(Map::size).sum();
    }
}
