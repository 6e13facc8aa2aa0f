package io.omnistream.benchmarks;

import io.omnistream.flink.quality.RetrievalQualityFunction;
import io.omnistream.flink.quality.metrics.Judgments;
import io.omnistream.flink.quality.metrics.QueryMetrics;
import io.omnistream.flink.quality.ranking.CandidatePool;
import io.omnistream.flink.quality.ranking.TopKRanking;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Single-thread throughput of the retrieval-quality job's exact ranking, next to a dense matrix-multiply bound on the
 * same vectors:
 * <ul>
 *   <li><b>job path</b>: per query exactly what {@link RetrievalQualityFunction} does once a query of a GLOBAL
 *       candidate set is complete, {@link RetrievalQualityFunction#rank(float[], CandidatePool)} (blocked float
 *       screening of every candidate, selection of the top {@link RetrievalQualityFunction#RANKED_HEAD}, exact double
 *       rescoring of the candidates near the cut; the same ranks and scores as a full sort) followed by
 *       {@link QueryMetrics#compute} on that head with {@link Judgments#of} built per query (the operator builds them
 *       per query from its {@code BenchJudgment}). The {@link CandidatePool} is built once per candidate set, as the
 *       operator does (it caches a GLOBAL set's pool for all its queries): its build time is measured separately
 *       ({@link SizeResult#poolBuild}) and not part of the per-query rate. Not included: reading the candidate vectors
 *       out of Flink state when the pool is built, and emitting the outputs. A LOCAL judgment (a per-query candidate
 *       list) builds its pool per query; that case is not measured here;</li>
 *   <li><b>matmul bound</b>: the same queries scored as one float matrix product Q (nq x d) times C^T (d x nc) in plain
 *       scalar Java, no sort, no metrics: what "just the dot products" cost on this core without SIMD libraries.</li>
 * </ul>
 * Vectors are random unit vectors; throughput depends on their values only through the sort order of the scores.
 */
public final class RankingBenchmark {

    /** Relevant candidates per query (grade 1); enough for recall and NDCG to do their full work. */
    static final int RELEVANT_PER_QUERY = 3;

    /** Keeps the JIT from removing work whose results are otherwise unused. */
    private static volatile double blackhole;

    private RankingBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param queries queries per pass (both paths score all of them against all candidates)
     * @param dim     vector dimension
     * @param seed    seed of the random vectors and judgments
     * @param warmup  time spent on each path before it is measured (JIT compilation)
     * @param measure minimum measured time per path; whole passes are timed, so the actual time is a bit longer
     */
    public record Settings(int queries, int dim, long seed, Duration warmup, Duration measure) {
        public Settings {
            if (queries < 1 || dim < 1) {
                throw new IllegalArgumentException("queries and dim must be positive");
            }
            if (warmup.isNegative() || measure.isNegative() || measure.isZero()) {
                throw new IllegalArgumentException("warm-up must be >= 0 and measure time > 0");
            }
        }
    }

    /**
     * One path's timing.
     *
     * @param queries          queries scored while measuring
     * @param seconds          wall time of those queries (System.nanoTime)
     * @param threadCpuSeconds CPU time of the measuring thread in that interval; NaN if the JVM cannot tell.
     *                         Close to {@code seconds} means the thread had its core to itself.
     */
    public record PathResult(long queries, double seconds, double threadCpuSeconds) {
        public double queriesPerSecond() {
            return queries / seconds;
        }

        public double microsPerQuery() {
            return seconds * 1e6 / queries;
        }

        /** Fraction of the wall time the thread was on a CPU (1.0 = a core to itself); NaN if unknown. */
        public double cpuShare() {
            return threadCpuSeconds / seconds;
        }
    }

    /**
     * Both paths for one candidate-set size.
     *
     * @param candidates candidates per query
     * @param dim        vector dimension
     * @param job        the job path: rank + QueryMetrics
     * @param matmul     the dense float matmul bound
     * @param poolBuild  building the {@link CandidatePool} of all candidates from the id-to-vector map (once per
     *                   candidate set in the operator); {@code queries} counts builds
     */
    public record SizeResult(int candidates, int dim, PathResult job, PathResult matmul, PathResult poolBuild) {
        /** Matmul arithmetic rate: 2 flops (multiply, add) per query, candidate and dimension; in 1e9 flop/s. */
        public double matmulGflops() {
            return 2.0 * matmul.queries() * candidates * dim / matmul.seconds() / 1e9;
        }

        /** Job-path throughput as a fraction of the matmul bound (queries/s over queries/s). */
        public double jobOverMatmul() {
            return job.queriesPerSecond() / matmul.queriesPerSecond();
        }

        /** The numbers of this size for the JSON report (snake_case keys, units in the names). */
        public Map<String, Object> toReport() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("candidates", candidates);
            out.put("job_queries_per_second_per_core", job.queriesPerSecond());
            out.put("job_micros_per_query", job.microsPerQuery());
            out.put("job_measured_queries", job.queries());
            out.put("job_measured_seconds", job.seconds());
            out.put("job_thread_cpu_seconds", job.threadCpuSeconds());
            out.put("job_thread_cpu_share", job.cpuShare());
            out.put("matmul_queries_per_second_per_core", matmul.queriesPerSecond());
            out.put("matmul_micros_per_query", matmul.microsPerQuery());
            out.put("matmul_measured_queries", matmul.queries());
            out.put("matmul_measured_seconds", matmul.seconds());
            out.put("matmul_thread_cpu_seconds", matmul.threadCpuSeconds());
            out.put("matmul_thread_cpu_share", matmul.cpuShare());
            out.put("matmul_gflops", matmulGflops());
            out.put("job_over_matmul", jobOverMatmul());
            out.put("pool_build_micros", poolBuild.microsPerQuery());
            out.put("pool_builds_measured", poolBuild.queries());
            return out;
        }
    }

    /**
     * Warms up and measures both paths, one after the other, on the calling thread.
     *
     * @param candidates candidates per query
     * @param progress   receives one line per phase (may be {@code s -> { }})
     */
    public static SizeResult measure(int candidates, Settings settings, Consumer<String> progress) {
        Workload workload = Workload.random(settings.queries(), candidates, settings.dim(), settings.seed());
        float[] scores = new float[settings.queries() * candidates];

        progress.accept(String.format("%d candidates: job path, warm-up %s + measure %s", candidates,
                seconds(settings.warmup()), seconds(settings.measure())));
        PathResult job = time(() -> jobPass(workload), settings.queries(), settings);

        progress.accept(String.format("%d candidates: matmul bound, warm-up %s + measure %s", candidates,
                seconds(settings.warmup()), seconds(settings.measure())));
        PathResult matmul = time(() -> {
            workload.matmul(scores);
            return scores[scores.length - 1];
        }, settings.queries(), settings);

        // A fraction of the per-path times: a build is one pass over the vectors, far from the noise floor.
        Settings buildSettings = new Settings(settings.queries(), settings.dim(), settings.seed(),
                settings.warmup().dividedBy(5), settings.measure().dividedBy(5));
        progress.accept(String.format("%d candidates: candidate pool build, warm-up %s + measure %s", candidates,
                seconds(buildSettings.warmup()), seconds(buildSettings.measure())));
        PathResult poolBuild = time(() -> CandidatePool.of(workload.candidatesById()).size(), 1, buildSettings);
        return new SizeResult(candidates, settings.dim(), job, matmul, poolBuild);
    }

    /**
     * Runs {@code pass} for the warm-up time untimed, then repeats it until the measure time has passed.
     *
     * @param pass            one pass over all queries; returns a value derived from its results (sent to the blackhole)
     * @param queriesPerPass  queries scored by one pass
     */
    private static PathResult time(DoubleSupplier pass, int queriesPerPass, Settings settings) {
        double sink = 0;
        long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
        while (System.nanoTime() < warmupEnd) {
            sink += pass.getAsDouble();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTimed = threads.isCurrentThreadCpuTimeSupported();
        long passes = 0;
        long cpuStart = cpuTimed ? threads.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        long end = start + settings.measure().toNanos();
        long now;
        do {
            sink += pass.getAsDouble();
            passes++;
            now = System.nanoTime();
        } while (now < end);
        double cpuSeconds = cpuTimed ? (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9 : Double.NaN;
        blackhole = sink;
        return new PathResult(passes * queriesPerPass, (now - start) / 1e9, cpuSeconds);
    }

    /** One pass of the job path over all queries; returns a sum of results so that none of the work is dead. */
    static double jobPass(Workload workload) {
        double sink = 0;
        for (int q = 0; q < workload.queryCount(); q++) {
            TopKRanking ranking = RetrievalQualityFunction.rank(workload.query(q), workload.pool());
            QueryMetrics metrics = QueryMetrics.compute(ranking.top(), Judgments.of(workload.grades(q)));
            sink += metrics.ndcgAt10() + ranking.top().candidates().get(0).score();
        }
        return sink;
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toNanos() / 1e9);
    }

    /**
     * The vectors of one run, in three layouts: per-candidate arrays in a {@link HashMap} keyed by id (what the
     * operator's state holds), the {@link CandidatePool} built from it (what the operator ranks) and row-major
     * contiguous matrices (what the matmul reads).
     * Queries are drawn first, then candidates, from one {@link Random}, so a smaller candidate set of the same seed is
     * a prefix of a larger one.
     */
    static final class Workload {
        private final int dim;
        private final int queryCount;
        private final int candidateCount;
        /** queryCount x dim, row-major. */
        private final float[] queryMatrix;
        /** candidateCount x dim, row-major: row c is candidate c, so Q x C^T reads both operands along rows. */
        private final float[] candidateMatrix;
        private final float[][] queries;
        private final String[] candidateIds;
        private final Map<String, float[]> candidatesById;
        private final CandidatePool pool;
        private final List<Map<String, Integer>> gradesPerQuery;

        private Workload(int queryCount, int candidateCount, int dim, long seed) {
            this.dim = dim;
            this.queryCount = queryCount;
            this.candidateCount = candidateCount;
            Random random = new Random(seed);
            queries = new float[queryCount][];
            queryMatrix = new float[queryCount * dim];
            for (int q = 0; q < queryCount; q++) {
                queries[q] = unitVector(random, dim);
                System.arraycopy(queries[q], 0, queryMatrix, q * dim, dim);
            }
            candidateIds = new String[candidateCount];
            candidatesById = new HashMap<>(candidateCount * 2);
            candidateMatrix = new float[candidateCount * dim];
            for (int c = 0; c < candidateCount; c++) {
                float[] v = unitVector(random, dim);
                candidateIds[c] = String.format("cand-%06d", c);
                candidatesById.put(candidateIds[c], v);
                System.arraycopy(v, 0, candidateMatrix, c * dim, dim);
            }
            pool = CandidatePool.of(candidatesById);
            int relevant = Math.min(RELEVANT_PER_QUERY, candidateCount);
            gradesPerQuery = new ArrayList<>(queryCount);
            for (int q = 0; q < queryCount; q++) {
                Map<String, Integer> grades = new HashMap<>();
                while (grades.size() < relevant) {
                    grades.put(candidateIds[random.nextInt(candidateCount)], 1);
                }
                gradesPerQuery.add(grades);
            }
        }

        /** Seeded random unit vectors (Gaussian components, normalised: uniform on the sphere) and judgments. */
        static Workload random(int queryCount, int candidateCount, int dim, long seed) {
            return new Workload(queryCount, candidateCount, dim, seed);
        }

        private static float[] unitVector(Random random, int dim) {
            double[] g = new double[dim];
            double norm2 = 0;
            for (int i = 0; i < dim; i++) {
                g[i] = random.nextGaussian();
                norm2 += g[i] * g[i];
            }
            double inverseNorm = 1.0 / Math.sqrt(norm2);
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) (g[i] * inverseNorm);
            }
            return v;
        }

        int queryCount() {
            return queryCount;
        }

        int candidateCount() {
            return candidateCount;
        }

        float[] query(int q) {
            return queries[q];
        }

        String candidateId(int c) {
            return candidateIds[c];
        }

        float[] candidate(int c) {
            return candidatesById.get(candidateIds[c]);
        }

        Map<String, float[]> candidatesById() {
            return candidatesById;
        }

        /** The pool the job path ranks (built once, as the operator does per GLOBAL candidate set). */
        CandidatePool pool() {
            return pool;
        }

        Map<String, Integer> grades(int q) {
            return gradesPerQuery.get(q);
        }

        /**
         * {@code scores = Q x C^T}: {@code scores[q * candidateCount + c]} is the float dot product of query q and
         * candidate c. Scalar Java, register-blocked: each pass over d computes a 4-query x 2-candidate tile with 8
         * independent float accumulators, so every loaded element is used 2 or 4 times and the adds do not wait on one
         * dependency chain (C2 does not vectorise float reductions, which would reorder the sum). The job path cannot
         * share a candidate row between queries (the operator scores one query at a time) and reads 8 candidate rows
         * per pass over one query instead. Queries beyond a
         * multiple of 4 and a last odd candidate go through {@link #dot}. The summation order differs from the job's
         * sequential double sum, so scores agree with it to float rounding (~1e-6 for unit vectors), not bit for bit.
         *
         * @param scores at least queryCount x candidateCount floats; overwritten
         */
        void matmul(float[] scores) {
            int blockedQueries = queryCount & ~3;
            int pairedCandidates = candidateCount & ~1;
            for (int q = 0; q < blockedQueries; q += 4) {
                for (int c = 0; c < pairedCandidates; c += 2) {
                    tile4x2(q, c, scores);
                }
                for (int c = pairedCandidates; c < candidateCount; c++) {
                    for (int k = 0; k < 4; k++) {
                        scores[(q + k) * candidateCount + c] = dot(q + k, c);
                    }
                }
            }
            for (int q = blockedQueries; q < queryCount; q++) {
                for (int c = 0; c < candidateCount; c++) {
                    scores[q * candidateCount + c] = dot(q, c);
                }
            }
        }

        /** Queries q..q+3 against candidates c and c+1. */
        private void tile4x2(int q, int c, float[] scores) {
            float[] qm = queryMatrix;
            float[] cm = candidateMatrix;
            int q0 = q * dim;
            int q1 = q0 + dim;
            int q2 = q1 + dim;
            int q3 = q2 + dim;
            int c0 = c * dim;
            int c1 = c0 + dim;
            float s00 = 0f, s10 = 0f, s20 = 0f, s30 = 0f; // candidate c
            float s01 = 0f, s11 = 0f, s21 = 0f, s31 = 0f; // candidate c + 1
            for (int i = 0; i < dim; i++) {
                float x0 = cm[c0 + i];
                float x1 = cm[c1 + i];
                float a = qm[q0 + i];
                float b = qm[q1 + i];
                float e = qm[q2 + i];
                float f = qm[q3 + i];
                s00 += a * x0;
                s10 += b * x0;
                s20 += e * x0;
                s30 += f * x0;
                s01 += a * x1;
                s11 += b * x1;
                s21 += e * x1;
                s31 += f * x1;
            }
            int row = q * candidateCount + c;
            scores[row] = s00;
            scores[row + 1] = s01;
            scores[row + candidateCount] = s10;
            scores[row + candidateCount + 1] = s11;
            scores[row + 2 * candidateCount] = s20;
            scores[row + 2 * candidateCount + 1] = s21;
            scores[row + 3 * candidateCount] = s30;
            scores[row + 3 * candidateCount + 1] = s31;
        }

        /** One float dot product, for the rows and columns that do not fill a tile. */
        private float dot(int q, int c) {
            int qRow = q * dim;
            int cRow = c * dim;
            float s = 0f;
            for (int i = 0; i < dim; i++) {
                s += queryMatrix[qRow + i] * candidateMatrix[cRow + i];
            }
            return s;
        }
    }
}
