package io.omnistream.flink.quality.ranking;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recently used {@link CandidatePool}s by key, at most {@code capacity} of them (least recently used evicted).
 * Not thread-safe: one per operator instance, used from its processing thread only.
 *
 * <p>Why: a GLOBAL candidate set is shared by every query of its (task, epoch, model); building its contiguous pool
 * costs about as much as scoring one query against it, so it is built once and reused until a candidate of that set
 * changes, which the owner signals with {@link #invalidate}.
 */
public final class CandidatePoolCache {

    private final int capacity;
    private final Map<String, CandidatePool> pools;

    /** @param capacity pools kept; 0 keeps none (every {@link #get} misses) */
    public CandidatePoolCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.pools = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CandidatePool> eldest) {
                return size() > CandidatePoolCache.this.capacity;
            }
        };
    }

    /** The pool cached under {@code key}, or null. */
    public CandidatePool get(String key) {
        return pools.get(key);
    }

    /** Caches {@code pool} under {@code key} (a no-op at capacity 0). */
    public void put(String key, CandidatePool pool) {
        if (capacity > 0) {
            pools.put(key, pool);
        }
    }

    /** Forgets the pool of {@code key}: its candidates changed. */
    public void invalidate(String key) {
        pools.remove(key);
    }

    /** Pools currently held. */
    public int size() {
        return pools.size();
    }
}
