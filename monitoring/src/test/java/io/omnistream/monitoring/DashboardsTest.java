package io.omnistream.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards are importable and self-consistent: valid JSON of the schema they were written for, the data
 * source as the DS_PROMETHEUS input, unique panel ids, a layout without overlaps, defined variables, and PromQL that
 * reads (metric and label names are MetricNamesTest's; promtool parses every query in PromtoolTest).
 */
class DashboardsTest {
    private static final int SCHEMA_VERSION = 39;

    @Test
    void thereAreTheDashboardsOfTheReadme() {
        assertThat(Dashboards.files()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
                "omnistream-retrieval-quality.json", "omnistream-modality-bias.json", "omnistream-pipeline.json");
    }

    @Test
    void dashboardsAreImportableWithThePrometheusInput() {
        List<String> problems = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        Set<String> titles = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            String name = file.getFileName().toString();
            if (d.path("schemaVersion").asInt() != SCHEMA_VERSION) {
                problems.add(name + ": schemaVersion " + d.path("schemaVersion") + ", expected " + SCHEMA_VERSION);
            }
            boolean input = false;
            for (JsonNode i : d.path("__inputs")) {
                input |= i.path("name").asText().equals("DS_PROMETHEUS") && i.path("type").asText().equals("datasource")
                        && i.path("pluginId").asText().equals("prometheus");
            }
            if (!input) {
                problems.add(name + ": no __inputs entry DS_PROMETHEUS (datasource, prometheus)");
            }
            if (!d.path("id").isNull()) {
                problems.add(name + ": id must be null (Grafana assigns it on import)");
            }
            if (!uids.add(d.path("uid").asText()) || d.path("uid").asText().isBlank()) {
                problems.add(name + ": uid missing or not unique");
            }
            if (!titles.add(d.path("title").asText())) {
                problems.add(name + ": title not unique");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDataSourceIsTheInput() {
        List<String> problems = new ArrayList<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            for (JsonNode p : Dashboards.panels(d)) {
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                checkDatasource(p.path("datasource"), file, "panel " + p.path("id"), problems);
                p.path("targets").forEach(t -> checkDatasource(t.path("datasource"), file,
                        "panel " + p.path("id") + " target " + t.path("refId").asText(), problems));
            }
            for (JsonNode v : d.path("templating").path("list")) {
                if (v.path("type").asText().equals("query")) {
                    checkDatasource(v.path("datasource"), file, "variable " + v.path("name").asText(), problems);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    private static void checkDatasource(JsonNode ds, Path file, String where, List<String> problems) {
        if (!ds.path("uid").asText().equals(Dashboards.DATASOURCE_UID) || !ds.path("type").asText().equals("prometheus")) {
            problems.add(file.getFileName() + " " + where + ": datasource must be {type: prometheus, uid: "
                    + Dashboards.DATASOURCE_UID + "}, is " + ds);
        }
    }

    @Test
    void panelIdsAreUniqueAndTheLayoutHasNoOverlaps() {
        List<String> problems = new ArrayList<>();
        for (Path file : Dashboards.files()) {
            List<JsonNode> panels = Dashboards.panels(Dashboards.read(file));
            Set<Integer> ids = new HashSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode p : panels) {
                if (!p.path("id").isInt() || !ids.add(p.path("id").asInt())) {
                    problems.add(file.getFileName() + ": panel id " + p.path("id") + " missing or repeated");
                }
                JsonNode g = p.path("gridPos");
                int x = g.path("x").asInt(-1);
                int y = g.path("y").asInt(-1);
                int w = g.path("w").asInt(0);
                int h = g.path("h").asInt(0);
                if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24) {
                    problems.add(file.getFileName() + ": panel " + p.path("id") + " gridPos outside the 24 columns: " + g);
                }
                for (int[] b : boxes) {
                    if (x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h) {
                        problems.add(file.getFileName() + ": panel " + p.path("id") + " overlaps panel " + b[4]);
                    }
                }
                boxes.add(new int[] {x, y, w, h, p.path("id").asInt()});
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPanelHasQueriesWithUniqueRefIdsThatRead() {
        List<String> problems = new ArrayList<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.read(file);
            Set<String> vars = Dashboards.variableNames(d);
            for (JsonNode p : Dashboards.panels(d)) {
                if (p.path("type").asText().equals("row")) {
                    continue;
                }
                Set<String> refIds = new HashSet<>();
                if (p.path("targets").isEmpty()) {
                    problems.add(file.getFileName() + ": panel " + p.path("id") + " has no query");
                }
                for (JsonNode t : p.path("targets")) {
                    String where = file.getFileName() + ": panel " + p.path("id") + " target " + t.path("refId");
                    if (!refIds.add(t.path("refId").asText()) || t.path("refId").asText().isBlank()) {
                        problems.add(where + ": refId missing or repeated");
                    }
                    try {
                        PromQl.analyze(Dashboards.substitute(t.path("expr").asText(), vars));
                    } catch (RuntimeException e) {
                        problems.add(where + ": " + e.getMessage());
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void matrixTablesGroupByTheirRowAndColumnLabels() {
        // groupingToMatrix turns label columns into rows x columns: the query must keep exactly those labels.
        List<String> problems = new ArrayList<>();
        for (Dashboards.Query q : Dashboards.queries()) {
            for (JsonNode tr : q.panel().path("transformations")) {
                if (!tr.path("id").asText().equals("groupingToMatrix")) {
                    continue;
                }
                Set<String> vars = Dashboards.variableNames(Dashboards.read(q.file()));
                Set<String> by = PromQl.analyze(Dashboards.substitute(q.expr(), vars)).byLabels();
                Set<String> wanted = Set.of(tr.path("options").path("rowField").asText(),
                        tr.path("options").path("columnField").asText());
                if (!by.equals(wanted)) {
                    problems.add(q.where() + ": groups by " + by + " but the matrix needs " + wanted);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void substitutionRefusesUndefinedVariables() {
        assertThat(Dashboards.substitute("rate(x{m=~\"$model\"}[$__rate_interval])", Set.of("model")))
                .isEqualTo("rate(x{m=~\"1\"}[5m])");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Dashboards.substitute("x{m=~\"${modle}\"}", Set.of("model")))
                .hasMessageContaining("undefined variable $modle");
    }
}
