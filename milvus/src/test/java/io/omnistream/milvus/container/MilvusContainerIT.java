package io.omnistream.milvus.container;

import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.milvus.collection.EmbeddingCollectionScenario;
import io.omnistream.milvus.config.MilvusConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.milvus.MilvusContainer;

/**
 * The same scenario as {@code MilvusLiteIT}, against Milvus standalone in Docker, to catch behaviour that differs
 * between Milvus Lite and the production server. Skipped (not failed) where no Docker engine is reachable.
 */
@Testcontainers(disabledWithoutDocker = true)
class MilvusContainerIT {
    @Container
    private static final MilvusContainer MILVUS = new MilvusContainer("milvusdb/milvus:v2.5.10");

    private static MilvusClientV2 client;
    private static EmbeddingCollectionScenario scenario;

    @BeforeAll
    static void connect() {
        client = MilvusConnection.of(MILVUS.getEndpoint()).open();
        scenario = new EmbeddingCollectionScenario(client);
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void bootstrapUpsertAndSearchReturnsNearestFirst() {
        scenario.bootstrapUpsertAndSearchReturnsNearestFirst();
    }

    @Test
    void upsertOfSameIdTwiceLeavesOneRow() {
        scenario.upsertOfSameIdTwiceLeavesOneRowWithTheLatestVector();
    }

    @Test
    void deleteRemovesTheRow() {
        scenario.deleteRemovesTheRow();
    }

    @Test
    void filtersRestrictResults() {
        scenario.filtersRestrictResults();
    }

    @Test
    void dimensionMismatchIsReportedClearly() {
        scenario.dimensionMismatchIsReportedClearly();
    }

    @Test
    void bootstrapIsIdempotentAndRecordsTopic() {
        scenario.bootstrapIsIdempotentAndRecordsTopic();
    }
}
