import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

// Reads a topic without a group: assign every partition, ask for the end offsets (ListOffsets), seek partition p to
// offset SEEK (the others to the beginning), and poll until each partition reaches its end offset.
// Prints "record P O KEY VALUE HEADERS" per record, then "end P OFFSET" per partition.
//   java AssignConsume BOOTSTRAP TOPIC PARTITIONS SEEK_PARTITION SEEK_OFFSET
public class AssignConsume {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1];
    int partitions = Integer.parseInt(args[2]), seekPartition = Integer.parseInt(args[3]);
    long seekOffset = Long.parseLong(args[4]);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-direct-java-assign");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "50");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "4096");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "2048");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(ClientConfig.withExtra(props), new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) tps.add(new TopicPartition(topic, p));
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
      consumer.seekToBeginning(tps);
      consumer.seek(new TopicPartition(topic, seekPartition), seekOffset);
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        boolean done = true;
        for (TopicPartition tp : tps) if (consumer.position(tp) < end.get(tp)) done = false;
        if (done) break;
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          StringBuilder h = new StringBuilder();
          for (Header x : r.headers()) h.append(x.key()).append('=').append(new String(x.value(), "UTF-8")).append(';');
          System.out.println("record " + r.partition() + " " + r.offset() + " " + r.key() + " " + r.value() + " " + h);
        }
      }
      for (TopicPartition tp : tps) System.out.println("end " + tp.partition() + " " + consumer.position(tp));
    }
  }
}
