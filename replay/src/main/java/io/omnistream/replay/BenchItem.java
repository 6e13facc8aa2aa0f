package io.omnistream.replay;

import io.omnistream.schemas.avro.Modality;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One candidate of a benchmark task.
 *
 * @param itemId    id inside the task (BEIR doc id, or a derived id for MMEB targets)
 * @param modality  TEXT when only text is carried, else the media's modality (text is then accompanying text)
 * @param text      text content, or accompanying text of a media item; may be null for pure media
 * @param mediaPath absolute path of the media file; null for TEXT items
 * @param mimeHint  MIME type guessed from the file extension (informational; ingest detects from the bytes); null for TEXT
 */
public record BenchItem(String itemId, Modality modality, String text, Path mediaPath, String mimeHint) {
    public BenchItem {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(modality, "modality");
        if (modality == Modality.TEXT && mediaPath != null) {
            throw new IllegalArgumentException("TEXT item " + itemId + " must not have a media path");
        }
        if (modality != Modality.TEXT && mediaPath == null) {
            throw new IllegalArgumentException(modality + " item " + itemId + " needs a media path");
        }
    }

    public static BenchItem text(String itemId, String text) {
        return new BenchItem(itemId, Modality.TEXT, text, null, null);
    }
}
