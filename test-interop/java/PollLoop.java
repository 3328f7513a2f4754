import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

// The benchmark's Java consumer: a plain poll loop over every partition of TOPIC (assign, seekToBeginning) until
// TOTAL records were read, touching each value's length so that nothing is optimized away. fetch.max.wait.ms is
// FETCH_WAIT_MS, as for the other consumers. Prints one JSON line, {"records": N, "valueBytes": B}, as the Node peers do.
//   java PollLoop BOOTSTRAP TOPIC PARTITIONS TOTAL FETCH_WAIT_MS
public class PollLoop {
  public static void main(String[] args) {
    String bootstrap = args[0], topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    long total = Long.parseLong(args[3]);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, args[4]);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(topic, p));
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long n = 0, bytes = 0;
      while (n < total) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          n++;
          bytes += r.value() == null ? 0 : r.value().length;
        }
      }
      System.out.println("{\"records\":" + n + ",\"valueBytes\":" + bytes + "}");
    }
  }
}
