package io.omnistream.quality.view;

import static io.omnistream.quality.view.QualityRecords.notScored;
import static io.omnistream.quality.view.QualityRecords.retrieval;
import static io.omnistream.quality.view.QualityRecords.servedOnly;
import static io.omnistream.quality.view.QualityRecords.task;
import static io.omnistream.quality.view.QualityRecords.value;
import static io.omnistream.quality.view.QualityRecords.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.quality.view.QualityMetricsView.NotScored;
import io.omnistream.schemas.avro.RetrievalMetric;
import io.omnistream.schemas.quality.QualityVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QualityMetricsViewTest {
    private static final String TASK = "coco-t2i";

    private final QualityMetricsView view = new QualityMetricsView();

    private void acceptAll(List<RetrievalMetric> records) {
        records.forEach(view::accept);
    }

    @Test
    void theLastRecordOfASeriesWinsAndQueriesIsItsN() {
        acceptAll(retrieval(TASK, 1, "exact", 0.10, 1));
        acceptAll(retrieval(TASK, 1, "exact", 0.20, 2));
        acceptAll(retrieval(TASK, 1, "exact", 0.30, 3));

        Map<String, Object> report = view.taskReport(TASK, 1, "exact");
        assertThat(report.get("hit@1")).isEqualTo(value(0.30, 0));
        assertThat(report.get("mrr@10")).isEqualTo(value(0.30, 10));
        assertThat(report.get("queries")).isEqualTo(3L);
        assertThat(view.queriesScored(TASK, 1, "exact")).isEqualTo(3);
        // the window of task-scope records widens with every emission; it is not part of their series
        assertThat(view.latest()).hasSize(11);
    }

    @Test
    void redeliveredRecordsAfterARestartChangeNothing() {
        acceptAll(retrieval(TASK, 1, "exact", 0.30, 3));
        Map<String, Object> before = view.taskReport(TASK, 1, "exact");

        acceptAll(retrieval(TASK, 1, "exact", 0.30, 3));

        assertThat(view.taskReport(TASK, 1, "exact")).isEqualTo(before);
        assertThat(view.latest()).hasSize(11);
    }

    @Test
    void reportListsTheRetrievalMetricsThenServedOnlyOnesThenQueries() {
        List<RetrievalMetric> served = new ArrayList<>(servedOnly(TASK, 1, 0.01, 4));
        served.addAll(retrieval(TASK, 1, "served", 0.5, 5));
        acceptAll(served); // extras arrive first: order must come from the names, not arrival
        acceptAll(retrieval(TASK, 1, "exact", 0.6, 5));

        List<String> exactKeys = new ArrayList<>(QualityVocabulary.RETRIEVAL_METRICS);
        exactKeys.add("queries");
        assertThat(view.taskReport(TASK, 1, "exact").keySet()).containsExactlyElementsOf(exactKeys);

        List<String> servedKeys = new ArrayList<>(QualityVocabulary.RETRIEVAL_METRICS);
        servedKeys.addAll(QualityVocabulary.SERVED_ONLY_METRICS);
        servedKeys.add("queries");
        Map<String, Object> servedReport = view.taskReport(TASK, 1, "served");
        assertThat(servedReport.keySet()).containsExactlyElementsOf(servedKeys);
        assertThat(servedReport.get("recall_loss@10")).isEqualTo(value(0.01, 2));
        // queries is the n of the retrieval metrics, not of the recall losses (queries scored both ways)
        assertThat(servedReport.get("queries")).isEqualTo(5L);
    }

    @Test
    void epochsAreReportedSeparatelyAndTheNewestIsLatest() {
        acceptAll(retrieval(TASK, 1, "exact", 0.1, 10));
        acceptAll(retrieval(TASK, 2, "exact", 0.7, 4));

        assertThat(view.latestEpoch(TASK)).isEqualTo(OptionalInt.of(2));
        assertThat(view.taskReport(TASK, 1, "exact").get("hit@1")).isEqualTo(0.1);
        assertThat(view.taskReport(TASK, 2, "exact").get("hit@1")).isEqualTo(0.7);
        assertThat(view.queriesScored(TASK, 1, "exact")).isEqualTo(10);
        assertThat(view.queriesScored(TASK, 2, "exact")).isEqualTo(4);
    }

    @Test
    void nothingYetIsEmptyNotZero() {
        assertThat(view.taskReport(TASK, 1, "exact")).isEmpty();
        assertThat(view.latestEpoch(TASK)).isEmpty();
        assertThat(view.queriesScored(TASK, 1, "exact")).isEqualTo(-1);
        assertThat(view.notScored(TASK, 1)).isEmpty();

        acceptAll(retrieval(TASK, 1, "exact", 0.1, 1));
        assertThat(view.taskReport(TASK, 1, "served")).isEmpty();
        assertThat(view.queriesScored(TASK, 1, "served")).isEqualTo(-1);
    }

    @Test
    void keepsOnlyTheNewestEpochsPerTask() {
        for (int epoch = 1; epoch <= 5; epoch++) {
            acceptAll(retrieval(TASK, epoch, "exact", epoch / 10.0, epoch));
        }
        acceptAll(retrieval("other-task", 1, "exact", 0.9, 1));

        assertThat(view.taskReport(TASK, 1, "exact")).isEmpty();
        assertThat(view.taskReport(TASK, 2, "exact")).isEmpty();
        assertThat(view.taskReport(TASK, 3, "exact")).isNotEmpty();
        assertThat(view.taskReport(TASK, 5, "exact")).isNotEmpty();
        assertThat(epochsHeld(TASK)).containsExactly(3, 4, 5);
        // retention is per task: the other task's single epoch is untouched
        assertThat(epochsHeld("other-task")).containsExactly(1);

        // a late record of an epoch older than every kept one is refused, not resurrected
        assertThat(view.accept(task(TASK, 1, "exact", "hit@1", 1.0, 99).build())).isFalse();
        assertThat(view.taskReport(TASK, 1, "exact")).isEmpty();
        // a late record of a kept epoch is an ordinary update
        assertThat(view.accept(task(TASK, 3, "exact", "hit@1", 1.0, 99).build())).isTrue();
    }

    @Test
    void retentionBoundIsConfigurable() {
        QualityMetricsView oneEpoch = new QualityMetricsView(1, 1);
        retrieval(TASK, 1, "exact", 0.1, 1).forEach(oneEpoch::accept);
        retrieval(TASK, 2, "exact", 0.2, 1).forEach(oneEpoch::accept);
        assertThat(oneEpoch.latest()).hasSize(11).allMatch(m -> m.getEpoch() == 2);
    }

    @Test
    void keepsOnlyTheNewestWindowsPerWindowSeries() {
        for (int w = 0; w < 12; w++) {
            view.accept(window(TASK, "hit@1", w * 60_000L, w / 100.0, 5));
        }
        view.accept(window(TASK, "ndcg@10", 0, 0.5, 5));

        Map<String, List<Long>> startsByMetric = view.latest().stream().collect(Collectors.groupingBy(
                RetrievalMetric::getMetric, Collectors.mapping(RetrievalMetric::getWindowStartMs, Collectors.toList())));
        assertThat(startsByMetric.get("hit@1")).hasSize(QualityMetricsView.DEFAULT_MAX_WINDOWS)
                .doesNotContain(0L, 60_000L).contains(2 * 60_000L, 11 * 60_000L);
        // the bound is per series: another metric's window is kept
        assertThat(startsByMetric.get("ndcg@10")).containsExactly(0L);
        // window-scope records carry no epoch and are no task epoch
        assertThat(view.latestEpoch(TASK)).isEmpty();
    }

    @Test
    void notScoredIsItsOwnRecordAndNeverPartOfAScore() {
        String reason = "no encoder for modality IMAGE in model bge-small-en-v1.5";
        view.accept(notScored(TASK, 4, 25, reason));

        assertThat(view.notScored(TASK, 4)).contains(new NotScored(TASK, 4, 25, reason));
        assertThat(view.notScored(TASK, 3)).isEmpty();
        assertThat(view.latestEpoch(TASK)).isEqualTo(OptionalInt.of(4));
        assertThat(view.taskReport(TASK, 4, "exact")).isEmpty();
        assertThat(view.queriesScored(TASK, 4, "exact")).isEqualTo(-1);
        assertThat(view.modelVersions(TASK, 4, "exact")).isEmpty();
    }

    @Test
    void reportsOneModelVersionAtATime() {
        acceptAll(retrieval(TASK, 1, "exact", 0.1, 8));
        // a second model emits later (higher emittedAtMs) and has scored fewer queries so far
        retrieval(TASK, 1, "exact", 0.9, 2).forEach(m -> view.accept(RetrievalMetric.newBuilder(m)
                .setModelVersion("clip@2").setEmittedAtMs(m.getEmittedAtMs() + 1_000).build()));

        assertThat(view.modelVersions(TASK, 1, "exact")).containsExactly(QualityRecords.MODEL_VERSION, "clip@2");
        assertThat(view.taskReport(TASK, 1, "exact")).containsEntry("hit@1", 0.9).containsEntry("queries", 2L);
        assertThat(view.taskReport(TASK, 1, "exact", QualityRecords.MODEL_VERSION))
                .containsEntry("hit@1", 0.1).containsEntry("queries", 8L);
        assertThat(view.taskReport(TASK, 1, "exact", "unknown@0")).isEmpty();
    }

    @Test
    void recordsAreCopiedInAndOut() {
        RetrievalMetric record = task(TASK, 1, "exact", "hit@1", 0.5, 1).build();
        view.accept(record);
        record.setValue(0.0);
        view.latest().get(0).setValue(0.0);

        assertThat(view.taskReport(TASK, 1, "exact")).containsEntry("hit@1", 0.5);
    }

    @Test
    void concurrentWritersAndReadersLoseNothing() throws Exception {
        int writers = 8;
        int emissions = 200;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                String taskId = "task-" + t;
                done.add(pool.submit(() -> {
                    for (long n = 1; n <= emissions; n++) {
                        acceptAll(retrieval(taskId, 1, "exact", 0.5, n));
                    }
                }));
            }
            done.add(pool.submit(() -> {
                for (int i = 0; i < emissions; i++) {
                    view.latest();
                    view.taskReport("task-0", 1, "exact");
                }
            }));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < writers; t++) {
            assertThat(view.queriesScored("task-" + t, 1, "exact")).isEqualTo(emissions);
        }
        assertThat(view.latest()).hasSize(writers * 11);
    }

    @Test
    void rejectsBoundsBelowOne() {
        assertThatThrownBy(() -> new QualityMetricsView(0, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxEpochsPerTask");
        assertThatThrownBy(() -> new QualityMetricsView(3, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWindows");
        assertThatThrownBy(() -> view.accept(null)).isInstanceOf(NullPointerException.class);
    }

    private List<Integer> epochsHeld(String taskId) {
        return view.latest().stream().filter(m -> taskId.equals(m.getTaskId()))
                .map(RetrievalMetric::getEpoch).distinct().sorted().toList();
    }
}
