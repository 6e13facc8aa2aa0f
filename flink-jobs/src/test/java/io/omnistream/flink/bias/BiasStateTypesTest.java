package io.omnistream.flink.bias;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The accumulators are kept in Flink keyed state: they must be POJOs whose every nested type has a Flink serializer
 * (no Kryo fallback), and a state round trip must preserve what they compute.
 */
class BiasStateTypesTest {

    @Test
    void stateTypesArePojosWithoutGenericTypesAnywhere() {
        for (Class<?> type : List.of(ModalityBiasAccumulator.class, ModalityBiasAccumulator.PendingQuery.class,
                ModalityCentroids.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            assertNoGenericType(info, type.getSimpleName());
        }
    }

    @Test
    void accumulatorSurvivesAStateRoundTripWithPendingPairs() throws IOException {
        ModalityBiasAccumulator acc = new ModalityBiasAccumulator(true, 100);
        acc.add(BiasQuery.builder("q1", "TEXT").targetModality("IMAGE").gold("i1", "IMAGE")
                .result("i1", "IMAGE", 0.9).result("t1", "TEXT", 0.8).queryVector(new float[] {0.5f, 0.5f}).build());
        acc.add(BiasQuery.builder("q2", "IMAGE").targetModality("TEXT").gold("t2", "TEXT")
                .result("i2", "IMAGE", 0.9).build());   // waits without a vector (null field)
        ModalityCentroids centroids = new ModalityCentroids();
        centroids.add("TEXT", new float[] {1f, 0f});
        centroids.add("IMAGE", new float[] {0f, 1f});

        ModalityBiasAccumulator back = roundTrip(acc, ModalityBiasAccumulator.class);
        ModalityCentroids centroidsBack = roundTrip(centroids, ModalityCentroids.class);
        assertThat(back.results(centroidsBack)).isEqualTo(acc.results(centroids));
        assertThat(back.pending.keySet()).containsExactlyInAnyOrder("q1", "q2");
        assertThat(centroidsBack.results()).isEqualTo(centroids.results());

        // the restored accumulator keeps working: completing q1 gives the same as completing it on the original
        BiasQuery without = BiasQuery.builder("q1", "TEXT").targetModality("IMAGE").instructionApplied(false)
                .gold("i1", "IMAGE").result("t1", "TEXT", 0.9).queryVector(new float[] {1f, 0f}).build();
        acc.add(without);
        back.add(without);
        assertThat(back.results(centroidsBack)).isEqualTo(acc.results(centroids));
        assertThat(back.results(centroidsBack)).anyMatch(r -> r.metric().equals("instruction_shift_cosine"));
    }

    /** Serializes with the serializer Flink would use for state, Kryo fallback disabled. */
    static <T> T roundTrip(T value, Class<T> type) throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    static void assertNoGenericType(TypeInformation<?> info, String path) {
        assertThat(info).as(path).isNotInstanceOf(GenericTypeInfo.class);
        if (info instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericType(composite.getTypeAt(i), path + "." + composite.getFieldNames()[i]);
            }
        } else if (info instanceof MapTypeInfo<?, ?> map) {
            assertNoGenericType(map.getKeyTypeInfo(), path + "<key>");
            assertNoGenericType(map.getValueTypeInfo(), path + "<value>");
        } else if (info instanceof ObjectArrayTypeInfo<?, ?> array) {
            assertNoGenericType(array.getComponentInfo(), path + "[]");
        }
    }
}
