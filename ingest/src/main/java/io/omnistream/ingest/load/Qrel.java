package io.omnistream.ingest.load;

/** One relevance judgment: document {@code docId} has graded relevance {@code relevance} (0 = judged not relevant) for query {@code queryId}. */
public record Qrel(String queryId, String docId, int relevance) {}
