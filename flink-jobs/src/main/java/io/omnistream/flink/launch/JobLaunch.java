package io.omnistream.flink.launch;

import io.omnistream.runtime.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every omnistream Flink job does the same way when it is launched: the Flink settings its configuration implies
 * and the command line of its {@code main} on a Flink cluster.
 */
public final class JobLaunch {
    private JobLaunch() {
    }

    /**
     * Heap state, checkpoints every {@code checkpointInterval} (zero = off) kept on cancellation, in
     * {@code checkpointDir} when not empty (else the JobManager's default storage), and the {@code failure-rate}
     * restart strategy of {@code restart} ({@code none} when it allows no failure).
     */
    public static Configuration flinkConfiguration(Duration checkpointInterval, String checkpointDir,
            RestartPolicy restart) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        if (!checkpointInterval.isZero()) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
            conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            if (!checkpointDir.isEmpty()) {
                conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
            }
        }
        if (restart.restarts()) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL,
                    restart.maxFailuresPerInterval());
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                    restart.failureRateInterval());
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, restart.delay());
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        return conf;
    }

    /**
     * The configuration a job's {@code main} is given: {@code [--config FILE] [key=value ...]}, on top of the
     * {@code OMNISTREAM_*} environment variables as everywhere else.
     *
     * @throws IllegalArgumentException on any other argument, naming it and the usage
     */
    public static ConfigSource configSource(String[] args) {
        Path file = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].indexOf('=') > 0) {
                overrides.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i]
                        + "'; usage: [--config FILE] [key=value ...]");
            }
        }
        return ConfigSource.load(file, overrides);
    }

    /**
     * Defines a job with {@code define} on an in-process MiniCluster of {@code parallelism} and starts it; returns at
     * once. {@code extra} settings win over {@code conf} (e.g. {@code execution.state-recovery.path} to resume from a
     * checkpoint).
     */
    public static JobClient startLocal(String jobName, int parallelism, Configuration conf, Configuration extra,
                                       Consumer<StreamExecutionEnvironment> define) throws Exception {
        Configuration all = new Configuration(conf);
        all.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, all);
        define.accept(env);
        return env.executeAsync(jobName);
    }

    /** A job's entry point on a Flink cluster: defines it with {@code define} and runs it until it ends. */
    public static void runOnCluster(String jobName, Configuration conf, Consumer<StreamExecutionEnvironment> define)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        define.accept(env);
        env.execute(jobName);
    }
}
