package io.omnistream.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The Kubernetes objects of a `helm template` output (multi-document YAML), with lookups the tests share. */
final class Manifests {
    static final YAMLMapper YAML = new YAMLMapper();

    /** A pod spec found in a workload, named for assertion messages ("Deployment/x", "FlinkDeployment/y jobManager"). */
    record PodSpec(String where, JsonNode spec) {
        List<JsonNode> containers() {
            List<JsonNode> all = new ArrayList<>();
            spec.path("initContainers").forEach(all::add);
            spec.path("containers").forEach(all::add);
            return all;
        }
    }

    private final List<JsonNode> objects;

    private Manifests(List<JsonNode> objects) {
        this.objects = objects;
    }

    static Manifests parse(String multiDocYaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(multiDocYaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                // `---` followed by nothing (a disabled template) is an empty document
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("helm template output is not valid YAML", e);
        }
        return new Manifests(objects);
    }

    List<JsonNode> all() {
        return objects;
    }

    Stream<JsonNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText()));
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).filter(o -> name.equals(o.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " rendered; have "
                + objects.stream().map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList()));
    }

    /**
     * The only container of a Deployment's pods (each service runs one container per pod; the encoder's Whisper
     * sidecar, when enabled, is a second one: use {@link #deploymentContainer(String, String)} there).
     */
    JsonNode deploymentContainer(String name) {
        JsonNode containers = get("Deployment", name).path("spec").path("template").path("spec").path("containers");
        if (containers.size() != 1) {
            throw new AssertionError("Deployment/" + name + " has " + containers.size() + " containers, expected 1");
        }
        return containers.get(0);
    }

    /** The container named {@code container} of a Deployment's pods, or empty when there is none of that name. */
    Optional<JsonNode> findDeploymentContainer(String name, String container) {
        for (JsonNode c : get("Deployment", name).path("spec").path("template").path("spec").path("containers")) {
            if (container.equals(c.path("name").asText())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The container named {@code container} of a Deployment's pods. */
    JsonNode deploymentContainer(String name, String container) {
        return findDeploymentContainer(name, container).orElseThrow(() -> {
            List<String> names = new ArrayList<>();
            get("Deployment", name).path("spec").path("template").path("spec").path("containers")
                    .forEach(c -> names.add(c.path("name").asText()));
            return new AssertionError("Deployment/" + name + " has no container " + container + "; have " + names);
        });
    }

    /** Data of a ConfigMap as key -> value. */
    JsonNode configMapData(String name) {
        return get("ConfigMap", name).path("data");
    }

    /**
     * Every pod spec the chart defines: workload templates (Deployment, StatefulSet, DaemonSet, Job) and the pod
     * templates of FlinkDeployments (the operator builds the JobManager and TaskManager pods from them).
     */
    List<PodSpec> podSpecs() {
        List<PodSpec> specs = new ArrayList<>();
        for (JsonNode o : objects) {
            String kind = o.path("kind").asText();
            String name = kind + "/" + o.path("metadata").path("name").asText();
            switch (kind) {
                case "Deployment", "StatefulSet", "DaemonSet", "Job" ->
                        specs.add(new PodSpec(name, o.path("spec").path("template").path("spec")));
                case "FlinkDeployment" -> {
                    for (String part : List.of("jobManager", "taskManager")) {
                        specs.add(new PodSpec(name + " " + part, o.path("spec").path(part).path("podTemplate").path("spec")));
                    }
                    if (o.path("spec").has("podTemplate")) {
                        specs.add(new PodSpec(name + " podTemplate", o.path("spec").path("podTemplate").path("spec")));
                    }
                }
                default -> { }
            }
        }
        return specs;
    }
}
