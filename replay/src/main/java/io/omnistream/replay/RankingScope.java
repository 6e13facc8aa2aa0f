package io.omnistream.replay;

/** What a query is ranked against. */
public enum RankingScope {
    /** Each query's own candidate list (MMEB image/video tasks: gold + its distractors). */
    LOCAL,
    /** The task's whole candidate pool (BEIR, VisDoc, GLOBAL-converted MMEB tasks). */
    GLOBAL
}
