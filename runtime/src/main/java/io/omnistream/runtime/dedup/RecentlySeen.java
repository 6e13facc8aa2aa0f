package io.omnistream.runtime.dedup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounded memory of the last content hash acknowledged per content id, evicting the least recently used id once
 * {@code capacity} ids are held. Ingest uses it to answer an unchanged resubmission without producing it again; an
 * encoder worker uses it to not embed an unchanged event again (e.g. the same content arriving through two ingest
 * replicas, or a re-read of the source topic during a shadow upgrade).
 *
 * <p><b>Guarantee (best effort, by design):</b> within one process, a content id whose hash equals the last
 * <em>remembered</em> hash is recognised as a duplicate as long as the id has not been evicted (at most
 * {@code capacity} other ids touched since) and the process has not restarted. Callers remember a hash only once its
 * output was acknowledged (ingest: the broker's ack of the event) or handed to a producer whose failure stops the
 * process (the worker), so a failed attempt never makes its retry look like a duplicate. A duplicate that slips
 * through costs one extra encoding, never a second vector: keys are content ids and Milvus upserts by them.
 * Memory: about 200 bytes per remembered id (id, 64-hex-digit hash, map entry).
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
