import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

// Produces `count` records to `topic`, record i to partition i % partitions, with the Java producer's defaults:
// idempotence on (InitProducerId, then Produce with producer id, epoch and sequence numbers) and acks=all.
// Prints one line per partition, "partition P first F last L count N", from the broker's acknowledgements.
//   java Produce BOOTSTRAP TOPIC PARTITIONS COUNT [COMPRESSION]
public class Produce {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1];
    int partitions = Integer.parseInt(args[2]), count = Integer.parseInt(args[3]);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-direct-java-producer");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, args.length > 4 ? args[4] : "none");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfig.withExtra(props), new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i);
        r.headers().add("h", ("i" + i).getBytes("UTF-8"));
        acks.add(producer.send(r));
      }
      producer.flush();
      TreeMap<Integer, long[]> byPartition = new TreeMap<>();
      for (Future<RecordMetadata> f : acks) {
        RecordMetadata m = f.get();
        long[] s = byPartition.computeIfAbsent(m.partition(), p -> new long[] { Long.MAX_VALUE, -1, 0 });
        s[0] = Math.min(s[0], m.offset());
        s[1] = Math.max(s[1], m.offset());
        s[2]++;
      }
      for (var e : byPartition.entrySet()) {
        long[] s = e.getValue();
        System.out.println("partition " + e.getKey() + " first " + s[0] + " last " + s[1] + " count " + s[2]);
      }
    }
  }
}
