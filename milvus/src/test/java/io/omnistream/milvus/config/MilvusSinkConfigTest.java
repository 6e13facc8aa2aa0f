package io.omnistream.milvus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.milvus.collection.IndexSettings;
import io.omnistream.runtime.config.ConfigException;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.config.ConfigSource;
import io.omnistream.runtime.stage.ErrorTolerance;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MilvusSinkConfigTest {
    private static final Map<String, String> REQUIRED = Map.of(
            "kafka.bootstrap.servers", "localhost:9092",
            "sink.topic", "embeddings.bge-small-en-v1.5.v1");

    private static MilvusSinkConfig with(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(REQUIRED);
        all.putAll(extra);
        return MilvusSinkConfig.from(ConfigSource.of(all));
    }

    @Test
    void defaults() {
        MilvusSinkConfig c = with(Map.of());
        assertThat(c.groupId()).isEqualTo("omnistream-milvus-sink");
        assertThat(c.dlqTopic()).isEqualTo("media.dlq.v1");
        assertThat(c.schemaRegistryUrl()).isEqualTo("mock://omnistream");
        assertThat(c.milvus().uri()).isEqualTo("http://127.0.0.1:19530");
        assertThat(c.milvus().token()).isEmpty();
        assertThat(c.batchMaxSize()).isEqualTo(256);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.index()).isEqualTo(IndexSettings.DEFAULT);
        assertThat(c.searchEf()).isEqualTo(64);
    }

    @Test
    void overridesAreParsed() {
        MilvusSinkConfig c = with(Map.of("sink.batch.max-wait", "1s", "milvus.index.type", "ivf-flat",
                "milvus.token", "root:Milvus", "sink.errors.tolerance", "none"));
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.index().type()).isEqualTo(IndexSettings.IndexType.IVF_FLAT);
        assertThat(c.milvus().token()).isEqualTo("root:Milvus");
        assertThat(c.errors().tolerance()).isEqualTo(ErrorTolerance.NONE);
    }

    @Test
    void missingRequiredKeyIsNamed() {
        assertThatThrownBy(() -> MilvusSinkConfig.from(ConfigSource.of(Map.of("kafka.bootstrap.servers", "x:1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sink.topic");
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheRule() {
        assertThatThrownBy(() -> with(Map.of("sink.batch.max-size", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sink.batch.max-size").hasMessageContaining("[1, 10000]");
        assertThatThrownBy(() -> with(Map.of("milvus.index.type", "DISKANN")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("milvus.index.type");
        assertThatThrownBy(() -> with(Map.of("milvus.uri", "localhost:19530")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("milvus.uri");
    }

    @Test
    void milvusOutagesWaitWithoutLimitByDefault() {
        MilvusSinkConfig c = with(Map.of());
        assertThat(c.errors().tolerance()).isEqualTo(ErrorTolerance.ALL);
        assertThat(c.errors().retriesForever()).isTrue();
        assertThat(c.errors().batchMaxBytes()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void everyOptionIsDocumentedAndUnique() {
        assertThat(MilvusSinkConfig.options()).extracting(ConfigOption::key).doesNotHaveDuplicates();
        assertThat(MilvusSinkConfig.options()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
        assertThat(MilvusSinkConfig.options()).extracting(ConfigOption::key).contains("kafka.bootstrap.servers",
                "schema.registry.url", "milvus.uri", "milvus.token", "sink.topic", "sink.group.id", "sink.dlq.topic",
                "sink.batch.max-size", "sink.batch.max-wait", "sink.batch.max-bytes", "sink.errors.tolerance",
                "sink.errors.retry.timeout", "sink.errors.retry.delay.max", "sink.errors.max.attempts", "milvus.index.type", "milvus.hnsw.m", "milvus.hnsw.ef-construction",
                "milvus.search.ef");
    }
}
