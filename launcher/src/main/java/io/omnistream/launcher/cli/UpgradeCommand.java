package io.omnistream.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./omnistream upgrade start|status|promote|abort|rollback|finish}: model upgrades without downtime. */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        subcommands = {UpgradeCommand.Start.class, UpgradeCommand.Status.class},
        description = {
            "Move the running stack's deployment to another model version without a gap in serving (docs/upgrades.md).",
            "",
            "  1. upgrade start --to MODEL_ID   a shadow worker group and sink re-embed every live item from",
            "                                   media.events.v1 into the new version's collection, beside the live",
            "                                   version; new events go to both; unchanged content is not re-embedded.",
            "  2. upgrade status                 the next replay epoch is scored for both versions; the gate job",
            "                                   publishes its decision (every figure it used) on upgrade.gate.v1.",
            "  3. upgrade promote                once the gate passed and the shadow caught up (lag 0, as many users'",
            "                                   rows as live), the serving alias omnistream_<deployment> moves to the",
            "                                   new collection in one call; search follows it at once.",
            "     upgrade rollback               moves the alias back (and forth) while the old version is kept.",
            "  4. upgrade finish                 releases the old version (workers stopped, collection dropped).",
            "     upgrade abort                  gives up a shadow instead (its collection is dropped).",
            "",
            "Consumers of embeddings follow the deployment's pointer: live.embeddingTopic of its record on",
            "omnistream.deployments.v1 (see docs/upgrades.md). Talks to the stack's control API (its address and",
            "token are in <omnistream.home>/stack.json; --api-key takes an API key with scope admin instead)."})
public final class UpgradeCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the control API is and how to authenticate to it. */
    static final class Target {
        @Mixin
        StackOptions stackOptions;

        @Option(names = "--api-key", paramLabel = "KEY", description = "API key with scope admin, instead of the stack's "
                + "control token.")
        String apiKey;

        JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
            LauncherConfig launcher = new LauncherConfig(stackOptions.configSource());
            Map<String, Object> stack = RunningStackFile.read(launcher.home()).orElseThrow(() -> new IllegalStateException(
                    "no running stack found in " + launcher.home() + "; start one ('./omnistream demo')"));
            Object uri = stack.get("control_uri");
            if (uri == null) {
                throw new IllegalStateException("the running stack has no control API (started by an older build)");
            }
            String token = apiKey != null ? apiKey : (String) stack.get("control_token");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri + path))
                    .timeout(Duration.ofMinutes(5)) // start loads a model
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json");
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(json.path("reason").asText(response.body()) + " (HTTP "
                        + response.statusCode() + " " + json.path("error").asText() + ")");
            }
            return json;
        }
    }

    /** Prints the status JSON's essentials, then the whole JSON when asked. */
    static void print(JsonNode status, PrintStream out, boolean json) throws IOException {
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
            return;
        }
        JsonNode d = status.path("deployment");
        out.printf("deployment %s: %s%n", d.path("name").asText(), d.path("state").asText());
        out.printf("  live      %s (collection %s, topic %s)%n", d.at("/live/modelVersion").asText(),
                d.at("/live/collection").asText(), d.at("/live/embeddingTopic").asText());
        if (!d.path("shadow").isNull()) {
            out.printf("  shadow    %s (collection %s)%n", d.at("/shadow/modelVersion").asText(), d.at("/shadow/collection").asText());
        }
        if (!d.path("previous").isNull()) {
            out.printf("  previous  %s (kept for rollback)%n", d.at("/previous/modelVersion").asText());
        }
        out.printf("  alias     %s -> %s%n", status.path("alias").asText(), status.path("aliasTarget").asText());
        out.printf("  last step %s%n", d.path("detail").asText());
        JsonNode gate = status.path("gate");
        if (!gate.isNull()) {
            out.printf("gate (epoch %d): %s - %s%n", gate.path("epoch").asInt(), gate.path("passed").asBoolean() ? "PASSED"
                    : "FAILED", gate.path("reason").asText());
            for (JsonNode c : gate.path("checks")) {
                out.printf("  %-4s %-17s %-28s %-10s live %-8s shadow %-8s bound %.4f%s%n",
                        c.path("passed").asBoolean() ? "ok" : "FAIL", c.path("rule").asText(), c.path("subject").asText(),
                        c.path("metric").asText(), figure(c.path("liveValue")), figure(c.path("shadowValue")),
                        c.path("threshold").asDouble(), c.path("detail").isNull() ? "" : "  (" + c.path("detail").asText() + ")");
            }
        }
        JsonNode r = status.path("readiness");
        if (d.path("state").asText().equals("SHADOWING")) {
            out.printf("promotion: %s (users' rows: live %d, shadow %d; lag %s)%n", r.path("ready").asBoolean()
                    ? "ready" : "waiting", r.path("liveRows").asLong(), r.path("shadowRows").asLong(), r.path("lag"));
            for (JsonNode b : r.path("blockers")) {
                out.println("  - " + b.asText());
            }
        }
    }

    private static String figure(JsonNode v) {
        return v.isNull() || v.isMissingNode() ? "-" : String.format("%.4f", v.asDouble());
    }

    // no standard help mixin: its -V/--version would take the --version this command needs for the model version
    @Command(name = "start", description = "Start shadowing MODEL_ID beside the live version (step 1).")
    static final class Start implements Callable<Integer> {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Mixin Target target;
        @Option(names = "--to", required = true, paramLabel = "MODEL_ID", description = "Registry id of the new model.")
        String to;
        @Option(names = "--version", paramLabel = "V", description = "Refuse unless MODEL_ID has exactly this model version.")
        String version;
        @Option(names = "--epsilon", paramLabel = "E", defaultValue = "0.0",
                description = "Gate: every task's primary metric of the new version >= old - E (default: ${DEFAULT-VALUE}).")
        double epsilon;
        @Option(names = "--delta", paramLabel = "D", defaultValue = "0.05",
                description = "Gate: no modality pair's target_modality_accuracy down by more than D (default: ${DEFAULT-VALUE}).")
        double delta;
        @Option(names = "--max-recall-loss", paramLabel = "R", defaultValue = "0.05",
                description = "Gate: the new index's served recall_loss@10 <= R (default: ${DEFAULT-VALUE}).")
        double maxRecallLoss;
        @Option(names = "--auto-promote", description = "Promote as soon as the gate passed and the shadow caught up.")
        boolean autoPromote;
        @Option(names = "--json", description = "Print the whole status as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("to", to).put("primaryMetricEpsilon", epsilon)
                    .put("modalityAccuracyDelta", delta).put("maxRecallLoss", maxRecallLoss).put("autoPromote", autoPromote);
            if (version != null) {
                body.put("version", version);
            }
            print(target.call("POST", "/v1/deployment/upgrade", body), System.out, json);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The deployment, the gate's last decision with every figure, and what promotion waits for.")
    static final class Status implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--json", description = "Print the whole status as JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            print(target.call("GET", "/v1/deployment", null), System.out, json);
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Move the serving alias to the shadow (step 3); refused with the reasons unless the gate passed "
                    + "and the shadow caught up.")
    int promote(@Mixin Target target, @Option(names = "--json", description = "Print the whole status as JSON.") boolean json)
            throws Exception {
        return step(target, "promote", json);
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Give up the shadow: its workers stop, its collection is dropped.")
    int abort(@Mixin Target target) throws Exception {
        return step(target, "abort", false);
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Move the serving alias back to the version kept for rollback (again: forward).")
    int rollback(@Mixin Target target) throws Exception {
        return step(target, "rollback", false);
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            description = "Release the version kept for rollback (step 4): its workers stop, its collection is dropped.")
    int finish(@Mixin Target target) throws Exception {
        return step(target, "finish", false);
    }

    /** POSTs one step to the control API and prints the status it answers with. */
    private static int step(Target target, String step, boolean json) throws Exception {
        print(target.call("POST", "/v1/deployment/" + step, null), System.out, json);
        return 0;
    }
}
