package io.omnistream.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.benchmarks.RankingBenchmark.PathResult;
import io.omnistream.benchmarks.RankingBenchmark.SizeResult;
import io.omnistream.benchmarks.RankingBenchmark.Workload;
import io.omnistream.flink.quality.RetrievalQualityFunction;
import io.omnistream.flink.quality.metrics.ScoredCandidate;
import io.omnistream.flink.quality.ranking.TopKRanking;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Structure and sanity of the ranking benchmark on a tiny configuration. No timing assertions (project rule). */
class RankingBenchmarkTest {
    /** 5 queries x 51 candidates do not fill whole 4 x 2 tiles, so the matmul's remainder paths are checked too. */
    private static final int QUERIES = 5;
    private static final int CANDIDATES = 51;
    private static final int DIM = 384;

    @Test
    void matmulScoresEqualTheJobPathsDotProducts() {
        Workload w = Workload.random(QUERIES, CANDIDATES, DIM, 42);
        float[] scores = new float[QUERIES * CANDIDATES];
        w.matmul(scores);
        for (int q = 0; q < QUERIES; q++) {
            for (int c = 0; c < CANDIDATES; c++) {
                double jobDot = RetrievalQualityFunction.dot(w.query(q), w.candidate(c));
                assertThat((double) scores[q * CANDIDATES + c]).as("query %d candidate %d", q, c)
                        .isCloseTo(jobDot, within(1e-4));
            }
        }
        // and the job path's rankings carry those scores, every candidate once
        for (int q = 0; q < QUERIES; q++) {
            Map<String, Double> ranked = RetrievalQualityFunction.rank(w.query(q), w.candidatesById()).candidates()
                    .stream().collect(Collectors.toMap(ScoredCandidate::id, ScoredCandidate::score));
            assertThat(ranked).hasSize(CANDIDATES);
            for (int c = 0; c < CANDIDATES; c++) {
                assertThat(ranked.get(w.candidateId(c))).isCloseTo(scores[q * CANDIDATES + c], within(1e-4));
            }
        }
    }

    @Test
    void jobRankingIsSortedDescendingOverUnitVectors() {
        Workload w = Workload.random(QUERIES, CANDIDATES, DIM, 7);
        for (int q = 0; q < QUERIES; q++) {
            assertThat(RetrievalQualityFunction.dot(w.query(q), w.query(q))).isCloseTo(1.0, within(1e-5));
            List<ScoredCandidate> ranked = RetrievalQualityFunction.rank(w.query(q), w.candidatesById()).candidates();
            for (int i = 1; i < ranked.size(); i++) {
                assertThat(ranked.get(i).score()).isLessThanOrEqualTo(ranked.get(i - 1).score());
            }
        }
        assertThat(w.grades(0)).hasSize(RankingBenchmark.RELEVANT_PER_QUERY);
    }

    @Test
    void jobPathRanksThePoolAsTheFullSortWould() {
        Workload w = Workload.random(QUERIES, CANDIDATES, DIM, 3);
        assertThat(w.pool().size()).isEqualTo(CANDIDATES);
        for (int q = 0; q < QUERIES; q++) {
            List<ScoredCandidate> full = RetrievalQualityFunction.rank(w.query(q), w.candidatesById()).candidates();
            TopKRanking top = RetrievalQualityFunction.rank(w.query(q), w.pool());
            assertThat(top.candidateCount()).isEqualTo(CANDIDATES);
            assertThat(top.top().candidates()).isEqualTo(full); // 51 candidates < RANKED_HEAD: all of them
        }
    }

    @Test
    void workloadIsDeterministicPerSeed() {
        Workload a = Workload.random(QUERIES, CANDIDATES, DIM, 42);
        Workload b = Workload.random(QUERIES, CANDIDATES, DIM, 42);
        assertThat(a.query(2)).containsExactly(b.query(2));
        assertThat(a.candidate(9)).containsExactly(b.candidate(9));
        assertThat(a.grades(4)).isEqualTo(b.grades(4));
    }

    @Test
    void measureReturnsPositiveFiniteResultsForBothPaths() {
        RankingBenchmark.Settings settings = new RankingBenchmark.Settings(QUERIES, DIM, 42,
                Duration.ofMillis(50), Duration.ofMillis(100));
        SizeResult r = RankingBenchmark.measure(CANDIDATES, settings, line -> { });
        assertThat(r.candidates()).isEqualTo(CANDIDATES);
        assertThat(r.poolBuild().queries()).isPositive();
        assertThat(r.poolBuild().microsPerQuery()).isPositive().isFinite();
        for (PathResult path : List.of(r.job(), r.matmul())) {
            assertThat(path.queries()).isPositive().isEqualTo(path.queries() / QUERIES * QUERIES);
            assertThat(path.seconds()).isPositive().isFinite();
            assertThat(path.queriesPerSecond()).isPositive().isFinite();
            assertThat(path.microsPerQuery()).isPositive().isFinite();
        }
        assertThat(r.matmulGflops()).isPositive().isFinite();
        assertThat(r.jobOverMatmul()).isPositive().isFinite();
        assertThat(r.toReport()).containsKeys("job_queries_per_second_per_core", "matmul_queries_per_second_per_core",
                "matmul_gflops", "job_over_matmul", "pool_build_micros");
    }
}
