package io.omnistream.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.omnistream.benchmarks.RankingBenchmark.SizeResult;
import io.omnistream.flink.quality.RetrievalQualityFunction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./omnistream bench ranking}: queries/s per core of the retrieval-quality job's exact ranking (rank +
 * QueryMetrics, as the Flink operator runs it per query) for each candidate-set size, next to a dense float matmul
 * bound measured in the same run. See {@link RankingBenchmark} for what each path includes.
 */
@Command(name = "ranking", mixinStandardHelpOptions = true,
        description = "Exact-ranking throughput of the retrieval-quality job (rank + QueryMetrics per query) vs. a "
                + "dense float matmul bound, single thread, on random unit vectors.")
public final class RankingBenchmarkCommand implements Callable<Integer> {
    static final String VECTORS_NOTE = "random unit vectors (Gaussian, normalised; fixed seed), not real embeddings: "
            + "throughput does not depend on vector values except through the sort order of the scores";

    /** cpu share under which a phase counts as disturbed by other load (JIT and GC threads take a few percent). */
    static final double MIN_UNDISTURBED_CPU_SHARE = 0.9;

    @Option(names = "--candidates", paramLabel = "N", split = ",", defaultValue = "1000,5000",
            description = "Candidate-set sizes, one measurement each (default: ${DEFAULT-VALUE}).")
    List<Integer> candidates;

    @Option(names = "--queries", paramLabel = "N", defaultValue = "200", description = "Queries per pass (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--dim", paramLabel = "D", defaultValue = "384", description = "Vector dimension (default: ${DEFAULT-VALUE}, bge-small-en-v1.5).")
    int dim;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "Seed of the random vectors and judgments (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "3", description = "Warm-up (JIT) per path and size before measuring (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--measure-seconds", paramLabel = "S", defaultValue = "10", description = "Measured time per path and size (default: ${DEFAULT-VALUE}).")
    double measureSeconds;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the results as JSON.")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (candidates.isEmpty() || candidates.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--candidates must be a list of positive counts");
        }
        if (warmupSeconds < 0 || measureSeconds <= 0) {
            throw new IllegalArgumentException("--warmup-seconds must be >= 0 and --measure-seconds > 0");
        }
        RankingBenchmark.Settings settings = new RankingBenchmark.Settings(queries, dim, seed,
                Duration.ofNanos(Math.round(warmupSeconds * 1e9)), Duration.ofNanos(Math.round(measureSeconds * 1e9)));
        int cores = Runtime.getRuntime().availableProcessors();
        String javaVersion = System.getProperty("java.version");
        String vm = System.getProperty("java.vm.name");
        String arch = System.getProperty("os.arch");

        System.out.printf("ranking benchmark: %d queries x {%s} candidates, dim %d, single thread%n", queries,
                String.join(", ", candidates.stream().map(String::valueOf).toList()), dim);
        System.out.printf("vectors: %s (seed %d)%n", VECTORS_NOTE, seed);
        System.out.printf("JVM: Java %s (%s), os.arch %s, availableProcessors %d%n", javaVersion, vm, arch, cores);

        List<SizeResult> results = new ArrayList<>();
        for (int n : candidates) {
            results.add(RankingBenchmark.measure(n, settings, System.out::println));
        }
        printSummary(results);

        if (report != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "ranking");
            out.put("job_path", "RetrievalQualityFunction.rank(query, CandidatePool) (top " + RetrievalQualityFunction.RANKED_HEAD
                    + ", exact) + QueryMetrics.compute(Judgments.of(...)) per query, single thread; the pool is built "
                    + "once per candidate set (pool_build_micros, not in the per-query rate); excludes reading the "
                    + "vectors from Flink state and emitting outputs");
            out.put("matmul_path", "Q (queries x dim) x C^T (dim x candidates), float accumulation, scalar "
                    + "Java register-blocked 4 queries x 2 candidates, single thread, no sort, no SIMD library");
            out.put("vectors", VECTORS_NOTE);
            out.put("seed", seed);
            out.put("dim", dim);
            out.put("queries_per_pass", queries);
            out.put("relevant_per_query", RankingBenchmark.RELEVANT_PER_QUERY);
            out.put("warmup_seconds", warmupSeconds);
            out.put("measure_seconds", measureSeconds);
            out.put("cores", cores);
            out.put("os_arch", arch);
            out.put("java_version", javaVersion);
            out.put("java_vm", vm);
            out.put("results", results.stream().map(SizeResult::toReport).toList());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), out);
            System.out.println("report written to " + report);
        }
        return 0;
    }

    private static void printSummary(List<SizeResult> results) {
        System.out.println();
        System.out.println("queries/s per core (one thread); job = rank + QueryMetrics, matmul = float Q x C^T bound");
        System.out.println("cpu = share of wall time the measuring thread was on a CPU (job / matmul)");
        System.out.printf("%11s %12s %10s %12s %12s %9s %10s %11s%n", "candidates", "job q/s", "job us/q",
                "matmul q/s", "matmul us/q", "GFLOP/s", "job/matmul", "cpu");
        double lowestCpuShare = 1.0;
        for (SizeResult r : results) {
            System.out.printf("%11d %12.1f %10.1f %12.1f %12.1f %9.2f %10.3f %5.2f/%.2f%n", r.candidates(),
                    r.job().queriesPerSecond(), r.job().microsPerQuery(), r.matmul().queriesPerSecond(),
                    r.matmul().microsPerQuery(), r.matmulGflops(), r.jobOverMatmul(), r.job().cpuShare(),
                    r.matmul().cpuShare());
            lowestCpuShare = Math.min(lowestCpuShare, Math.min(r.job().cpuShare(), r.matmul().cpuShare()));
        }
        for (SizeResult r : results) {
            System.out.printf("candidate pool build (once per candidate set, not in job q/s): %d candidates %.1f us%n",
                    r.candidates(), r.poolBuild().microsPerQuery());
        }
        // Below this the thread was preempted noticeably often: wall-time rates understate a core's throughput.
        if (lowestCpuShare < MIN_UNDISTURBED_CPU_SHARE) {
            System.out.printf("WARNING: the measuring thread was on a CPU only %.0f%% of the time in one phase: other "
                    + "load on this machine; rates are understated, rerun on a quiet machine%n", 100 * lowestCpuShare);
        }
    }
}
