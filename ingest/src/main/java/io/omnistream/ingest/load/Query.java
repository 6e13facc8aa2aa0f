package io.omnistream.ingest.load;

/** One retrieval query: id and text, without any model instruction (the encoder applies that). */
public record Query(String id, String text) {}
