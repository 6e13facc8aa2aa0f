package io.omnistream.milvus.collection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.omnistream.milvus.collection.CollectionManager.CollectionInfo;
import io.omnistream.milvus.config.MilvusConnection;
import io.omnistream.milvus.lite.SharedMilvusLite;
import io.omnistream.milvus.search.SearchHit;
import io.omnistream.milvus.search.VectorSearcher;
import io.omnistream.milvus.search.VectorSearcher.ServedHits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serving alias of a model upgrade on a real Milvus Lite server: two model versions' collections with different
 * rows (ids prefixed "A-" and "B-"), an alias moved between them, searches through it, the drop guard and the live row
 * checks. Every test has its own model versions and alias, so tests sharing the server do not interfere.
 */
class ServingAliasIT {
    private static final int USER_ROWS_A = 20;
    private static final int BENCH_ROWS_A = 7;
    private static final int USER_ROWS_B = 30;
    private static final int BENCH_ROWS_B = 5;

    private static MilvusClientV2 client;
    private static EmbeddingCollectionScenario scenario;

    private CollectionManager manager;
    private VectorSearcher searcher;
    private ServingAlias aliases;
    private String alias;
    private String versionA;
    private String versionB;
    /** A query close to row A-3 and one close to row B-7: the nearest hit shows which collection served. */
    private float[] queryA;
    private float[] queryB;

    @BeforeAll
    static void connect() {
        client = MilvusConnection.of(SharedMilvusLite.server().uri()).open();
        scenario = new EmbeddingCollectionScenario(client);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void twoModelVersions() {
        // a manager of its own (no cache shared with the scenario's), as a search service in another JVM would have
        manager = new CollectionManager(client, IndexSettings.DEFAULT);
        searcher = new VectorSearcher(client, manager, 64, ConsistencyLevel.STRONG);
        aliases = new ServingAlias(client, manager);
        alias = ServingAlias.nameFor("it-" + UUID.randomUUID());
        versionA = EmbeddingCollectionScenario.freshModelVersion();
        versionB = EmbeddingCollectionScenario.freshModelVersion();
        queryA = fill(versionA, "A", USER_ROWS_A, BENCH_ROWS_A, 3);
        queryB = fill(versionB, "B", USER_ROWS_B, BENCH_ROWS_B, 7);
    }

    @AfterEach
    void dropAll() {
        aliases.drop(alias);
        manager.dropCollection(versionA);
        manager.dropCollection(versionB);
    }

    @Test
    void searchFollowsTheAliasToTheNewCollectionAndBack() {
        assertThat(aliases.target(alias)).isEmpty();

        assertThat(aliases.point(alias, versionA).name()).isEqualTo(CollectionNames.forModelVersion(versionA));
        assertServes(versionA, "A-3");

        aliases.point(alias, versionB);
        assertServes(versionB, "B-7");

        aliases.point(alias, versionA);
        assertServes(versionA, "A-3");

        aliases.point(alias, versionA); // already there: no move, still served
        assertServes(versionA, "A-3");
    }

    @Test
    void targetIsReadFromTheServerNotFromAnEarlierAnswer() {
        aliases.point(alias, versionA);
        ServingAlias other = new ServingAlias(client, new CollectionManager(client, IndexSettings.DEFAULT));
        assertThat(other.target(alias)).map(CollectionInfo::modelVersion).hasValue(versionA);

        aliases.point(alias, versionB); // moved by another instance (the upgrade controller)

        CollectionInfo seen = other.target(alias).orElseThrow();
        assertThat(seen.name()).isEqualTo(CollectionNames.forModelVersion(versionB));
        assertThat(seen.modelVersion()).isEqualTo(versionB);
        assertThat(seen.dimension()).isEqualTo(EmbeddingCollectionScenario.DIM);
    }

    @Test
    void anAliasedCollectionIsNeverDropped() {
        aliases.point(alias, versionA);

        assertThatThrownBy(() -> manager.dropCollection(versionA))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to drop collection '" + CollectionNames.forModelVersion(versionA) + "'")
                .hasMessageContaining(alias);
        assertThat(searcher.countRows(versionA)).isEqualTo(USER_ROWS_A + BENCH_ROWS_A);
        assertServes(versionA, "A-3");

        aliases.point(alias, versionB);
        assertThat(manager.dropCollection(versionA)).isTrue();
        assertThat(manager.dropCollection(versionA)).as("already gone").isFalse();
        assertThat(manager.find(versionA)).isEmpty();
        assertServes(versionB, "B-7");
        assertThatThrownBy(() -> manager.dropCollection(versionB)).isInstanceOf(IllegalStateException.class);

        assertThat(aliases.drop(alias)).isTrue();
        assertThat(aliases.drop(alias)).isFalse();
        assertThat(aliases.target(alias)).isEmpty();
        assertThatThrownBy(() -> searcher.searchAlias(alias, v -> queryB, 5, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not exist");
        assertThat(manager.dropCollection(versionB)).isTrue();
    }

    @Test
    void anAliasOnlyPointsAtAnExistingCollection() {
        String absent = EmbeddingCollectionScenario.freshModelVersion();

        assertThatThrownBy(() -> aliases.point(alias, absent))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(CollectionNames.forModelVersion(absent))
                .hasMessageContaining("does not exist");
        assertThat(aliases.target(alias)).isEmpty();
    }

    @Test
    void liveRowsAreUsersRowsNotBenchmarkRows() {
        assertThat(searcher.countRows(versionA)).isEqualTo(USER_ROWS_A + BENCH_ROWS_A);
        assertThat(searcher.liveRowCount(versionA)).isEqualTo(USER_ROWS_A);
        assertThat(searcher.liveRowCount(versionB)).isEqualTo(USER_ROWS_B);
        assertThat(searcher.liveRowCount(EmbeddingCollectionScenario.freshModelVersion())).isZero();

        assertThat(searcher.liveRowsPerContentId(versionA, List.of("A-0", "A-19", "A-bench-0", "B-0")))
                .isEqualTo(Map.of("A-0", 1L, "A-19", 1L, "A-bench-0", 0L, "B-0", 0L));
        // one id held by a second tenant is two live rows: the "exactly once" check sees it
        scenario.upsert(versionA, List.of(new EmbeddingRow("A-0", scenario.unitVector(), "TEXT", "other-tenant", 2, "")));
        assertThat(searcher.liveRowsPerContentId(versionA, List.of("A-0"))).containsEntry("A-0", 2L);
        assertThat(searcher.liveRowCount(versionA)).isEqualTo(USER_ROWS_A + 1);
    }

    /**
     * A reader searching through the alias without pause while it moves back and forth: no search fails, none comes
     * back empty, every answer comes from one collection, and the first search that starts after a move returned is
     * served by the new target.
     */
    @Test
    void searchesNeverFailNorComeBackEmptyWhileTheAliasMovesBackAndForth() throws Exception {
        int moves = 20;
        aliases.point(alias, versionA);
        Function<String, float[]> queryFor = v -> v.equals(versionA) ? queryA : queryB;
        AtomicLong started = new AtomicLong();
        Map<Long, ServedHits> answers = new ConcurrentHashMap<>();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<?> reading = reader.submit(() -> {
            while (!stop.get()) {
                long id = started.incrementAndGet();
                try {
                    answers.put(id, searcher.searchAlias(alias, queryFor, 10, null));
                } catch (Throwable t) {
                    errors.add(t);
                }
            }
        });
        try {
            for (int i = 0; i < moves; i++) {
                String to = i % 2 == 0 ? versionB : versionA;
                aliases.point(alias, to);
                long firstAfterMove = started.get() + 1; // this search begins after point() returned
                await().atMost(Duration.ofSeconds(30))
                        .failFast("a search failed", () -> assertThat(errors).isEmpty())
                        .until(() -> answers.containsKey(firstAfterMove));
                assertThat(answers.get(firstAfterMove).servedBy().modelVersion()).as("first search after move %d", i)
                        .isEqualTo(to);
            }
        } finally {
            stop.set(true);
            reading.get(30, TimeUnit.SECONDS);
            reader.shutdown();
        }

        assertThat(errors).isEmpty();
        assertThat(answers).hasSizeGreaterThan(moves);
        for (ServedHits answer : answers.values()) {
            String prefix = answer.servedBy().modelVersion().equals(versionA) ? "A-" : "B-";
            assertThat(answer.hits()).hasSize(10).allSatisfy(h -> assertThat(h.contentId()).startsWith(prefix));
            assertThat(answer.hits().get(0).contentId()).isEqualTo(prefix.equals("A-") ? "A-3" : "B-7");
        }
        long servedByA = answers.values().stream().filter(a -> a.servedBy().modelVersion().equals(versionA)).count();
        System.out.printf("[serving-alias] %d searches during %d moves: %d served by A, %d by B%n",
                answers.size(), moves, servedByA, answers.size() - servedByA);
    }

    private void assertServes(String modelVersion, String nearestId) {
        CollectionInfo target = aliases.target(alias).orElseThrow();
        assertThat(target.name()).isEqualTo(CollectionNames.forModelVersion(modelVersion));
        assertThat(target.modelVersion()).isEqualTo(modelVersion);

        List<String> askedFor = new ArrayList<>();
        ServedHits served = searcher.searchAlias(alias, v -> {
            askedFor.add(v);
            return v.equals(versionA) ? queryA : queryB;
        }, 5, null);

        assertThat(askedFor).as("the query is encoded for the served version, once").containsExactly(modelVersion);
        assertThat(served.servedBy().modelVersion()).isEqualTo(modelVersion);
        assertThat(served.hits()).hasSize(5).extracting(SearchHit::contentId).first().isEqualTo(nearestId);
        String prefix = nearestId.substring(0, 2);
        assertThat(served.hits()).allSatisfy(h -> assertThat(h.contentId()).startsWith(prefix));
    }

    /** Fills {@code modelVersion}'s collection; returns a query vector near row {@code <label>-<near>}. */
    private static float[] fill(String modelVersion, String label, int userRows, int benchRows, int near) {
        List<EmbeddingRow> rows = new ArrayList<>();
        float[] nearVector = null;
        for (int i = 0; i < userRows; i++) {
            float[] v = scenario.unitVector();
            if (i == near) {
                nearVector = v;
            }
            rows.add(new EmbeddingRow(label + "-" + i, v, "TEXT", "default", 1_000L + i, ""));
        }
        for (int i = 0; i < benchRows; i++) {
            rows.add(new EmbeddingRow(label + "-bench-" + i, scenario.unitVector(), "TEXT", "default", 1_000L, "scifact"));
        }
        scenario.upsert(modelVersion, rows);
        return scenario.near(nearVector);
    }
}
