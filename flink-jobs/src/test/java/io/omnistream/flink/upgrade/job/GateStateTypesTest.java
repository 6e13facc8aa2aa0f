package io.omnistream.flink.upgrade.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.omnistream.flink.upgrade.GateDecisionEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** What the gate keeps in state or sends between operators is a POJO with a Flink serializer all the way down. */
class GateStateTypesTest {

    @Test
    void stateAndRecordTypesArePojosWithoutGenericTypes() {
        for (Class<?> type : List.of(EpochState.class, DeploymentView.class, GateInput.class,
                GateDecisionEvent.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            assertNoGenericType(info, type.getSimpleName());
        }
    }

    private static void assertNoGenericType(TypeInformation<?> info, String path) {
        assertThat(info).as(path).isNotInstanceOf(GenericTypeInfo.class);
        if (info instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                assertNoGenericType(composite.getTypeAt(i), path + "." + composite.getFieldNames()[i]);
            }
        }
        for (TypeInformation<?> nested : info.getGenericParameters().values()) {
            assertNoGenericType(nested, path + "<>");
        }
        if (info instanceof org.apache.flink.api.java.typeutils.MapTypeInfo<?, ?> map) {
            assertNoGenericType(map.getKeyTypeInfo(), path + ".key");
            assertNoGenericType(map.getValueTypeInfo(), path + ".value");
        }
        if (info instanceof org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo<?, ?> array) {
            assertNoGenericType(array.getComponentInfo(), path + "[]");
        }
    }
}
