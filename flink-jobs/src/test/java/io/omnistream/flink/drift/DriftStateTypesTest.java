package io.omnistream.flink.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Detectors and histograms are kept in Flink keyed state: POJOs without Kryo, and a round trip loses nothing. */
class DriftStateTypesTest {

    @Test
    void stateTypesArePojosWithoutGenericFields() {
        for (Class<?> type : List.of(PageHinkley.class, Cusum.class, ScoreHistogram.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            CompositeType<?> pojo = (CompositeType<?>) info;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getTypeAt(i)).as(type.getSimpleName() + "." + pojo.getFieldNames()[i])
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }

    /** A detector restored in the middle of a series continues exactly like the original. */
    @Test
    void detectorsContinueIdenticallyAfterAStateRoundTrip() throws IOException {
        double[] series = SyntheticSeries.step(9, 800, 500, 0.70, 0.55, 0.01);
        for (ChangeDetector original : List.of(new PageHinkley(), new Cusum())) {
            for (int i = 0; i < 300; i++) {
                original.update(series[i]);
            }
            @SuppressWarnings("unchecked")
            Class<ChangeDetector> type = (Class<ChangeDetector>) original.getClass();
            ChangeDetector restored = roundTrip(original, type);
            for (int i = 300; i < series.length; i++) {
                assertThat(restored.update(series[i])).isEqualTo(original.update(series[i]));
            }
        }
    }

    @Test
    void histogramSurvivesAStateRoundTrip() throws IOException {
        ScoreHistogram h = new ScoreHistogram();
        for (int i = 0; i < 1000; i++) {
            h.add(Math.cos(i));
        }
        h.add(1.5);
        ScoreHistogram back = roundTrip(h, ScoreHistogram.class);
        assertThat(back.counts).containsExactly(h.counts);
        assertThat(back.total).isEqualTo(h.total);
        assertThat(back.clamped).isEqualTo(1);
    }

    static <T> T roundTrip(T value, Class<T> type) throws IOException {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
