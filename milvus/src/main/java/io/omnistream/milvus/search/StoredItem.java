package io.omnistream.milvus.search;

/**
 * What Milvus holds about one content item of one tenant (not its vector).
 *
 * @param contentId   the id as its tenant knows it
 * @param modality    the {@code Modality} name
 * @param eventTimeMs the source event's time, milliseconds since the Unix epoch
 */
public record StoredItem(String contentId, String modality, long eventTimeMs) {}
