package io.omnistream.milvus.search;

/**
 * One search result.
 *
 * @param contentId primary key of the row
 * @param score     cosine similarity in [-1, 1]; higher is more similar; hits come best first. (Milvus' COSINE
 *                  metric returns the similarity itself, not a distance.)
 */
public record SearchHit(String contentId, float score) {}
