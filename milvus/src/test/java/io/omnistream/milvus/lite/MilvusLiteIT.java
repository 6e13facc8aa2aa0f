package io.omnistream.milvus.lite;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.v2.client.MilvusClientV2;
import io.omnistream.milvus.collection.EmbeddingCollectionScenario;
import io.omnistream.milvus.config.MilvusConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CollectionManager and VectorSearcher against a real Milvus Lite gRPC server started by MilvusLiteServer. */
class MilvusLiteIT {
    private static MilvusClientV2 client;
    private static EmbeddingCollectionScenario scenario;

    @BeforeAll
    static void connect() {
        client = MilvusConnection.of(SharedMilvusLite.server().uri()).open();
        scenario = new EmbeddingCollectionScenario(client);
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @Test
    void serverAnswersAtItsUri() {
        assertThat(SharedMilvusLite.server().isRunning()).isTrue();
        assertThat(SharedMilvusLite.server().uri()).startsWith("http://127.0.0.1:");
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
    void tenantsHoldTheSameIdApart() {
        scenario.tenantsHoldTheSameIdApart();
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
