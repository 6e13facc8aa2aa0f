package io.omnistream.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.schemas.avro.DriftAlert;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsCommandTest {

    @Test
    void printsOneLinePerRecord() {
        DriftAlert a = DriftAlert.newBuilder().setAlertId("91c774fd69da4077").setMetric("topk_share@1")
                .setModelVersion("v2").setDetector("page-hinkley").setStatistic(0.4067).setThreshold(0.1)
                .setDirection("down").setLabels(Map.of("target_modality", "DOCUMENT", "query_modality", "TEXT"))
                .setWindowStartMs(0).setWindowEndMs(1).setRaisedAtMs(0).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AlertsCommand.print(List.of(a), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("1 drift alert record(s)\n"
                + "1970-01-01T00:00:00Z  DOWN    topk_share@1                     model v2  page-hinkley 0.4067 "
                + "(threshold 0.1000)  {query_modality=TEXT, target_modality=DOCUMENT}  id 91c774fd69da4077\n");
    }
}
