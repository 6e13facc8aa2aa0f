package io.omnistream.milvus.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.EmbeddingEvent;
import io.omnistream.schemas.avro.Modality;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollapsedBatchTest {
    private long offset;

    private PendingRecord upsert(String id, String version, float x) {
        EmbeddingEvent e = EmbeddingEvent.newBuilder().setContentId(id).setModelId("m").setModelVersion(version)
                .setModality(Modality.TEXT).setVector(List.of(x, 0f)).setDimension(2).setSourceEventTimeMs(1)
                .setEmbeddedAtMs(2).build();
        return new PendingRecord(id, e, "t", 0, offset++, new byte[] {1});
    }

    private PendingRecord tombstone(String id) {
        return new PendingRecord(id, null, "t", 0, offset++, null);
    }

    @Test
    void lastWriteWinsPerContentIdAndModelVersion() {
        PendingRecord a1 = upsert("a", "v1", 1);
        PendingRecord b1 = upsert("b", "v1", 2);
        PendingRecord a2 = upsert("a", "v1", 3);
        CollapsedBatch batch = CollapsedBatch.of(List.of(a1, b1, a2));

        assertThat(batch.deletes()).isEmpty();
        assertThat(batch.upserts().get("v1")).containsOnlyKeys("a", "b");
        assertThat(batch.upserts().get("v1").get("a")).isSameAs(a2);
        assertThat(batch.superseded()).containsExactly(a1);
        assertThat(batch.upsertCount()).isEqualTo(2);
    }

    @Test
    void differentModelVersionsOfOneIdAreKeptApart() {
        CollapsedBatch batch = CollapsedBatch.of(List.of(upsert("a", "v1", 1), upsert("a", "v2", 1)));
        assertThat(batch.upserts()).containsOnlyKeys("v1", "v2");
        assertThat(batch.upsertCount()).isEqualTo(2);
    }

    @Test
    void tombstoneAfterUpsertsDeletesAndDropsTheUpsertsOfAllVersions() {
        PendingRecord a1 = upsert("a", "v1", 1);
        PendingRecord a2 = upsert("a", "v2", 1);
        PendingRecord b = upsert("b", "v1", 1);
        PendingRecord del = tombstone("a");
        CollapsedBatch batch = CollapsedBatch.of(List.of(a1, a2, b, del));

        assertThat(batch.deletes()).containsOnlyKeys("a");
        assertThat(batch.upserts()).containsOnlyKeys("v1");
        assertThat(batch.upserts().get("v1")).containsOnlyKeys("b");
        assertThat(batch.superseded()).containsExactlyInAnyOrder(a1, a2);
    }

    @Test
    void upsertAfterTombstoneDeletesThenWritesTheNewRow() {
        PendingRecord del = tombstone("a");
        PendingRecord a = upsert("a", "v1", 5);
        CollapsedBatch batch = CollapsedBatch.of(List.of(del, a));

        assertThat(batch.deletes()).containsOnlyKeys("a");
        assertThat(batch.upserts().get("v1").get("a")).isSameAs(a);
        assertThat(batch.superseded()).isEmpty();
    }

    @Test
    void repeatedTombstonesCollapseToOneDelete() {
        PendingRecord d1 = tombstone("a");
        PendingRecord d2 = tombstone("a");
        CollapsedBatch batch = CollapsedBatch.of(List.of(d1, d2));
        assertThat(batch.deletes()).hasSize(1);
        assertThat(batch.deletes().get("a")).isSameAs(d2);
        assertThat(batch.superseded()).containsExactly(d1);
        assertThat(batch.upserts()).isEmpty();
    }

    @Test
    void everyInputRecordIsAccountedForExactlyOnce() {
        List<PendingRecord> in = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = "id" + (i % 7);
            in.add(i % 5 == 0 ? tombstone(id) : upsert(id, "v" + (i % 2), i));
        }
        CollapsedBatch batch = CollapsedBatch.of(in);
        int accounted = batch.deletes().size() + batch.upsertCount() + batch.superseded().size();
        assertThat(accounted).isEqualTo(in.size());
    }
}
