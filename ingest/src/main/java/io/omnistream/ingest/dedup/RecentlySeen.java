package io.omnistream.ingest.dedup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded memory of the last content hash acknowledged by the broker per content id, evicting the least recently
 * used id once {@code capacity} ids are held.
 *
 * <p><b>Guarantee (best effort, by design):</b> within one ingest instance, a resubmission of a content id whose hash
 * equals the last <em>acknowledged</em> hash is recognised as a duplicate as long as the id has not been evicted (at
 * most {@code capacity} other ids touched since) and the process has not restarted. Two identical submissions racing
 * each other before either is acknowledged are both produced; other ingest replicas have their own memory. None of this
 * affects correctness: the Kafka key is the content id and Milvus upserts by it, so a duplicate that slips through
 * costs one extra encoding, never a second vector. Ids are remembered only after the broker acknowledged them, so a
 * failed produce never makes its retry look like a duplicate.
 *
 * <p>Thread-safe (one lock; every operation is O(1)). Capacity 0 disables suppression.
 */
public final class RecentlySeen {
    private final int capacity;
    private final LinkedHashMap<String, String> hashById;

    public RecentlySeen(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.hashById = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > RecentlySeen.this.capacity;
            }
        };
    }

    /** True if {@code contentHash} is the last acknowledged hash of {@code contentId}; refreshes its recency. */
    public synchronized boolean isDuplicate(String contentId, String contentHash) {
        return contentHash.equals(hashById.get(contentId));
    }

    /** Records that the broker acknowledged {@code contentHash} for {@code contentId}; replaces an older hash. */
    public synchronized void remember(String contentId, String contentHash) {
        if (capacity > 0) {
            hashById.put(contentId, contentHash);
        }
    }

    /** Forgets an id (after a delete), so submitting the same content again is produced again. */
    public synchronized void forget(String contentId) {
        hashById.remove(contentId);
    }

    public synchronized int size() {
        return hashById.size();
    }

    public int capacity() {
        return capacity;
    }
}
