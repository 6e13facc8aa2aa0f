package io.omnistream.quality.view;

import io.omnistream.schemas.avro.Modality;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.List;

/** RetrievalMetric records shaped like the Flink jobs' output, for the tests of this package. */
public final class QualityRecords {
    public static final String MODEL_ID = "bge-small-en-v1.5";
    public static final String MODEL_VERSION = "bge-small-en-v1.5@5c38ec7";
    public static final String META_TASK = "retrieval";

    private QualityRecords() {}

    /**
     * A task-scope record as the job emits it after its {@code n}-th scored query: the window end and emission time
     * move with {@code n}, so a later emission of the same series differs in them.
     */
    public static RetrievalMetric.Builder task(String taskId, int epoch, String path, String metric, double value, long n) {
        return RetrievalMetric.newBuilder()
                .setMetric(metric).setValue(value).setN(n).setScope("task")
                .setTaskId(taskId).setMetaTask(META_TASK)
                .setQueryModality(Modality.TEXT).setTargetModality(Modality.IMAGE)
                .setModelId(MODEL_ID).setModelVersion(MODEL_VERSION).setPath(path).setEpoch(epoch)
                .setWindowStartMs(1_000).setWindowEndMs(1_000 + n).setEmittedAtMs(epoch * 1_000_000L + n);
    }

    /** The 11 retrieval metrics of one emission; metric i (in report order) has value {@code base + i / 100}. */
    public static List<RetrievalMetric> retrieval(String taskId, int epoch, String path, double base, long n) {
        List<RetrievalMetric> out = new ArrayList<>();
        for (int i = 0; i < QualityVocabulary.RETRIEVAL_METRICS.size(); i++) {
            out.add(task(taskId, epoch, path, QualityVocabulary.RETRIEVAL_METRICS.get(i), value(base, i), n).build());
        }
        return out;
    }

    /** The served-only metrics of one emission; metric i (in report order) has value {@code base + i / 100}. */
    public static List<RetrievalMetric> servedOnly(String taskId, int epoch, double base, long n) {
        List<RetrievalMetric> out = new ArrayList<>();
        for (int i = 0; i < QualityVocabulary.SERVED_ONLY_METRICS.size(); i++) {
            out.add(task(taskId, epoch, "served", QualityVocabulary.SERVED_ONLY_METRICS.get(i), value(base, i), n).build());
        }
        return out;
    }

    public static double value(double base, int index) {
        return base + index / 100.0;
    }

    /** The job's dead-letter summary of a task: no meta task or modalities, model "*", n = 0. */
    public static RetrievalMetric notScored(String taskId, int epoch, long deadLettered, String reason) {
        return RetrievalMetric.newBuilder()
                .setMetric("not_scored").setValue(deadLettered).setN(0).setScope("task").setTaskId(taskId)
                .setModelId("*").setModelVersion("*").setPath("exact").setEpoch(epoch)
                .setWindowStartMs(0).setWindowEndMs(0).setEmittedAtMs(epoch * 1_000_000L).setDetail(reason)
                .build();
    }

    /** A window-scope record (no epoch) of one event-time window. */
    public static RetrievalMetric window(String taskId, String metric, long windowStartMs, double value, long n) {
        return task(taskId, 0, "exact", metric, value, n).setScope("window").setEpoch(null)
                .setWindowStartMs(windowStartMs).setWindowEndMs(windowStartMs + 60_000).build();
    }
}
