package io.omnistream.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of a task-definition file ({@code tasks.json}, see {@link TaskCatalog}).
 *
 * @param format         {@code beir} (BEIR directory), {@code scifact} (scifact.zip) or {@code mmeb} (MMEB JSONL)
 * @param path           the data: relative to the data root; for a generated mmeb task, the JSONL's file name relative
 *                       to the generated-task directory
 * @param split          BEIR qrels split (default "test")
 * @param imageRoot      mmeb / VisDoc: media paths in the file are relative to this (relative to the data root;
 *                       default "." = the data root itself)
 * @param metaTask       display or constant name of a {@link MetaTask}
 * @param primaryMetric  null for the meta-task's default
 * @param scope          LOCAL or GLOBAL (default GLOBAL)
 * @param generate       mmeb only: how to build the JSONL from shared data with {@link MmebConverter}; null when the
 *                       JSONL is shipped as data
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskDefinition(String id, String format, String path, String split, String imageRoot, String metaTask,
                             String queryModality, String targetModality, String queryInstruction,
                             String candidateInstruction, String primaryMetric, String scope, Generate generate,
                             String description) {

    /**
     * @param source      {@code coco-mini} or {@code tuxpaint-stamps}
     * @param direction   {@code i2t} or {@code t2i}
     * @param distractors distractor targets per record (targets per record = distractors + 1)
     */
    public record Generate(String source, String direction, int distractors, long seed, String targetInstruction) {}
}
