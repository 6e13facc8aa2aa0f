package io.omnistream.flink.quality.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidatePoolCacheTest {

    private static CandidatePool pool(String id) {
        return CandidatePool.of(Map.of(id, new float[] {1f}));
    }

    @Test
    void evictsTheLeastRecentlyUsedBeyondCapacity() {
        CandidatePoolCache cache = new CandidatePoolCache(2);
        CandidatePool a = pool("a");
        CandidatePool b = pool("b");
        cache.put("a", a);
        cache.put("b", b);
        assertThat(cache.get("a")).isSameAs(a); // a is now the most recently used
        cache.put("c", pool("c"));
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("b")).isNull();
        assertThat(cache.get("a")).isSameAs(a);
        assertThat(cache.get("c")).isNotNull();
    }

    @Test
    void invalidateForgetsAndCapacityZeroKeepsNothing() {
        CandidatePoolCache cache = new CandidatePoolCache(4);
        cache.put("a", pool("a"));
        cache.invalidate("a");
        cache.invalidate("never-cached");
        assertThat(cache.get("a")).isNull();
        CandidatePoolCache none = new CandidatePoolCache(0);
        none.put("a", pool("a"));
        assertThat(none.get("a")).isNull();
        assertThat(none.size()).isZero();
        assertThatThrownBy(() -> new CandidatePoolCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
