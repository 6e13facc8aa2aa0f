package io.omnistream.milvus.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.omnistream.milvus.search.Filters;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.schemas.tenant.Tenants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The CollectionManager + VectorSearcher scenario, run against any real Milvus (Milvus Lite, or Milvus standalone
 * in Docker). Each test uses its own model version, so tests sharing one server do not interfere.
 */
public final class EmbeddingCollectionScenario {
    public static final int DIM = 384;
    private final MilvusClientV2 client;
    private final CollectionManager manager;
    private final VectorSearcher searcher;
    private final Random random = new Random(42);

    public EmbeddingCollectionScenario(MilvusClientV2 client) {
        this.client = client;
        this.manager = new CollectionManager(client, IndexSettings.DEFAULT);
        this.searcher = new VectorSearcher(client, manager, 64, ConsistencyLevel.STRONG);
    }

    public CollectionManager manager() {
        return manager;
    }

    public VectorSearcher searcher() {
        return searcher;
    }

    public static String freshModelVersion() {
        return "it-model/" + UUID.randomUUID();
    }

    public float[] unitVector() {
        float[] v = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** A unit vector close to {@code v} (cosine ~0.99). */
    public float[] near(float[] v) {
        float[] n = unitVector();
        float[] out = new float[DIM];
        double norm = 0;
        for (int i = 0; i < DIM; i++) {
            out[i] = v[i] + 0.1f * n[i];
            norm += out[i] * out[i];
        }
        for (int i = 0; i < DIM; i++) {
            out[i] /= (float) Math.sqrt(norm);
        }
        return out;
    }

    public void upsert(String modelVersion, List<EmbeddingRow> rows) {
        String name = manager.ensureCollection(modelVersion, rows.get(0).dimension(), null).name();
        client.upsert(UpsertReq.builder().collectionName(name).data(rows.stream().map(EmbeddingRow::toJson).toList()).build());
    }

    public void drop(String modelVersion) {
        client.dropCollection(DropCollectionReq.builder().collectionName(CollectionNames.forModelVersion(modelVersion)).build());
        manager.invalidate(modelVersion);
    }

    public void bootstrapUpsertAndSearchReturnsNearestFirst() {
        String mv = freshModelVersion();
        List<EmbeddingRow> rows = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] v = unitVector();
            vectors.add(v);
            rows.add(new EmbeddingRow("doc-" + i, v, "TEXT", "default", 1_000L + i, ""));
        }
        upsert(mv, rows);
        float[] query = near(vectors.get(17));

        List<SearchHit> hits = searcher.search(mv, query, 5, null);

        assertThat(hits).hasSize(5);
        assertThat(hits.get(0).contentId()).isEqualTo("doc-17");
        assertThat(hits.get(0).score()).isGreaterThan(0.9f).isLessThanOrEqualTo(1.0001f);
        assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo((a, b) -> Float.compare(b, a));
        assertThat(searcher.countRows(mv)).isEqualTo(200);
        drop(mv);
    }

    public void upsertOfSameIdTwiceLeavesOneRowWithTheLatestVector() {
        String mv = freshModelVersion();
        float[] first = unitVector();
        float[] second = unitVector();
        upsert(mv, List.of(new EmbeddingRow("dup", first, "TEXT", "t", 1, ""),
                new EmbeddingRow("other", unitVector(), "TEXT", "t", 1, "")));
        upsert(mv, List.of(new EmbeddingRow("dup", second, "IMAGE", "t", 2, "")));

        assertThat(searcher.countRows(mv)).isEqualTo(2);
        assertThat(searcher.rowsPerContentId(mv, List.of("dup", "other", "absent")))
                .isEqualTo(Map.of("dup", 1L, "other", 1L, "absent", 0L));
        assertThat(searcher.search(mv, second, 1, null).get(0)).satisfies(h -> {
            assertThat(h.contentId()).isEqualTo("dup");
            assertThat(h.score()).isGreaterThan(0.999f);
        });
        drop(mv);
    }

    public void deleteRemovesTheRow() {
        String mv = freshModelVersion();
        upsert(mv, List.of(new EmbeddingRow("keep", unitVector(), "TEXT", "t", 1, ""),
                new EmbeddingRow("gone", unitVector(), "TEXT", "t", 1, "")));
        assertThat(searcher.contains(mv, "gone")).isTrue();

        client.delete(DeleteReq.builder().collectionName(CollectionNames.forModelVersion(mv)).ids(List.of(Tenants.recordKey("t", "gone"))).build());

        assertThat(searcher.contains(mv, "gone")).isFalse();
        assertThat(searcher.contains(mv, "keep")).isTrue();
        assertThat(searcher.countRows(mv)).isEqualTo(1);
        drop(mv);
    }

    /** Two tenants hold the same content id as two rows; one's upsert never touches the other's; filters keep them apart. */
    public void tenantsHoldTheSameIdApart() {
        String mv = freshModelVersion();
        float[] acmeVector = unitVector();
        float[] globexVector = unitVector();
        upsert(mv, List.of(new EmbeddingRow("shared", acmeVector, "TEXT", "acme", 1, ""),
                new EmbeddingRow("acme-only", unitVector(), "TEXT", "acme", 1, "")));
        upsert(mv, List.of(new EmbeddingRow("shared", globexVector, "TEXT", "globex", 1, "")));

        assertThat(searcher.countRows(mv)).isEqualTo(3);
        assertThat(searcher.rowsPerContentId(mv, List.of("shared"))).as("one row per tenant").containsEntry("shared", 2L);
        List<SearchHit> acme = searcher.search(mv, acmeVector, 1, Filters.tenantIs("acme"));
        assertThat(acme.get(0).contentId()).isEqualTo("shared");
        assertThat(acme.get(0).score()).as("acme's vector survived globex's upsert of the same id").isGreaterThan(0.999f);
        List<SearchHit> globex = searcher.search(mv, acmeVector, 10, Filters.tenantIs("globex"));
        assertThat(globex).extracting(SearchHit::contentId).containsExactly("shared");
        assertThat(searcher.search(mv, globexVector, 1, Filters.tenantIs("globex")).get(0).score()).isGreaterThan(0.999f);
        assertThat(searcher.find(mv, "acme", "acme-only")).hasValueSatisfying(i -> assertThat(i.modality()).isEqualTo("TEXT"));
        assertThat(searcher.find(mv, "globex", "acme-only")).as("looked up by globex's record key").isEmpty();
        drop(mv);
    }

    public void filtersRestrictResults() {
        String mv = freshModelVersion();
        float[] target = unitVector();
        List<EmbeddingRow> rows = new ArrayList<>();
        rows.add(new EmbeddingRow("prod-nearest", near(target), "TEXT", "t", 1, ""));
        String weird = "we\"ird\\id'x";
        rows.add(new EmbeddingRow(weird, unitVector(), "TEXT", "t", 1, "scifact"));
        for (int i = 0; i < 20; i++) {
            rows.add(new EmbeddingRow("sci-" + i, unitVector(), "TEXT", "t", 1, "scifact"));
        }
        upsert(mv, rows);

        List<SearchHit> all = searcher.search(mv, target, 3, null);
        assertThat(all.get(0).contentId()).isEqualTo("prod-nearest");

        List<SearchHit> task = searcher.search(mv, target, 50, Filters.taskIs("scifact"));
        assertThat(task).hasSize(21).extracting(SearchHit::contentId).doesNotContain("prod-nearest");

        List<SearchHit> candidates = searcher.search(mv, target, 10,
                Filters.and(Filters.taskIs("scifact"), Filters.contentIdIn(List.of("sci-3", weird, "prod-nearest"))));
        assertThat(candidates).extracting(SearchHit::contentId).containsExactlyInAnyOrder("sci-3", weird);

        assertThat(searcher.search(mv, target, 10, Filters.contentIdIn(List.of()))).isEmpty();
        assertThat(searcher.count(mv, Filters.taskIs("scifact"))).isEqualTo(21);
        assertThat(searcher.contains(mv, weird)).isTrue();
        drop(mv);
    }

    public void dimensionMismatchIsReportedClearly() {
        String mv = freshModelVersion();
        manager.ensureCollection(mv, DIM, null);
        CollectionManager fresh = new CollectionManager(client, IndexSettings.DEFAULT); // no cache: reads Milvus

        assertThatThrownBy(() -> fresh.ensureCollection(mv, 8, null))
                .isInstanceOf(DimensionMismatchException.class)
                .hasMessageContaining(CollectionNames.forModelVersion(mv))
                .hasMessageContaining("384-d")
                .hasMessageContaining("8-d");
        assertThatThrownBy(() -> manager.ensureCollection(mv, 8, null)).isInstanceOf(DimensionMismatchException.class);
        assertThatThrownBy(() -> searcher.search(mv, new float[8], 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 dimensions");
        drop(mv);
    }

    public void bootstrapIsIdempotentAndRecordsTopic() {
        String mv = freshModelVersion();
        String topic = "embeddings.it-" + UUID.randomUUID() + ".v1";
        CollectionManager.CollectionInfo a = manager.ensureCollection(mv, DIM, topic);
        CollectionManager other = new CollectionManager(client, IndexSettings.DEFAULT);
        CollectionManager.CollectionInfo b = other.ensureCollection(mv, DIM, topic);

        assertThat(b).isEqualTo(a);
        assertThat(b.modelVersion()).isEqualTo(mv);
        assertThat(other.collectionsOfTopic(topic)).extracting(CollectionManager.CollectionInfo::name).containsExactly(a.name());
        assertThat(searcher.countRows(mv)).isZero();
        assertThat(searcher.countRows(freshModelVersion())).isZero(); // unknown version: empty, not an error
        drop(mv);
    }
}
