package io.omnistream.flink.kafka;

import io.omnistream.flink.upgrade.job.DeploymentUpdate;
import io.omnistream.schemas.avro.Deployment;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@code omnistream.deployments.v1} → {@link DeploymentUpdate} (tombstones are skipped, see {@link AvroRecordReader}). */
public class DeploymentReader extends AvroRecordReader<Deployment, DeploymentUpdate> {
    private static final long serialVersionUID = 1L;

    public DeploymentReader(String registryUrl) {
        super(Deployment.class, registryUrl, Types.POJO(DeploymentUpdate.class));
    }

    @Override
    protected void convert(Deployment value, ConsumerRecord<byte[], byte[]> record, Collector<DeploymentUpdate> out) {
        out.collect(DeploymentUpdate.fromAvro(value));
    }
}
