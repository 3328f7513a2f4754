import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

// The Java client's transactional producer and read_committed consumer, driven from the interop tests
// (test-interop/producer/java-transactions.test.ts) against the fake broker or a real Kafka. One command per run:
//
//   commit BOOTSTRAP TOPIC TXN_ID PREFIX N [GROUP IN_TOPIC OFFSET]  one transaction of N records PREFIX-0..N-1, with
//                                                                   the group's offset for IN_TOPIC[0] if given
//   abort  BOOTSTRAP TOPIC TXN_ID PREFIX N                          the same, aborted
//   zombie BOOTSTRAP TOPIC TXN_ID                                   a second instance fences the first
//   read   BOOTSTRAP TOPIC                                          read_committed, every partition from the start
//                                                                   to the end (the LSO), one value per line
//
// Results go to stdout as lines the test parses; any unexpected exception exits non-zero.
public class TxnClient {
  static Properties producerProps(String bootstrap, String txnId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return p;
  }

  static void send(KafkaProducer<String, String> producer, String topic, String prefix, int n) throws Exception {
    for (int i = 0; i < n; i++) producer.send(new ProducerRecord<>(topic, "k" + i, prefix + "-" + i)).get();
  }

  public static void main(String[] args) throws Exception {
    String cmd = args[0];
    String bootstrap = args[1];
    String topic = args[2];
    switch (cmd) {
      case "commit":
      case "abort": {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap, args[3]))) {
          producer.initTransactions();
          producer.beginTransaction();
          send(producer, topic, args[4], Integer.parseInt(args[5]));
          if (args.length > 6) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            offsets.put(new TopicPartition(args[7], 0), new OffsetAndMetadata(Long.parseLong(args[8])));
            producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(args[6]));
          }
          if (cmd.equals("commit")) producer.commitTransaction(); else producer.abortTransaction();
          System.out.println(cmd.equals("commit") ? "COMMITTED" : "ABORTED");
        }
        break;
      }
      case "zombie": {
        KafkaProducer<String, String> zombie = new KafkaProducer<>(producerProps(bootstrap, args[3]));
        zombie.initTransactions();
        zombie.beginTransaction();
        send(zombie, topic, "zombie", 1);
        try (KafkaProducer<String, String> fresh = new KafkaProducer<>(producerProps(bootstrap, args[3]))) {
          fresh.initTransactions();
          try {
            send(zombie, topic, "zombie-late", 1);
            zombie.commitTransaction();
            System.out.println("ZOMBIE_COMMITTED");
          } catch (Exception e) {
            // A send's future wraps the cause in an ExecutionException, commitTransaction in a KafkaException.
            Throwable c = e;
            while (c != null && !(c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException)) c = c.getCause();
            if (c == null) throw e;
            System.out.println("FENCED " + c.getClass().getSimpleName());
          }
          zombie.close(Duration.ZERO);
          fresh.beginTransaction();
          send(fresh, topic, "fresh", 1);
          fresh.commitTransaction();
          System.out.println("FRESH_COMMITTED");
        }
        break;
      }
      case "read": {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
          List<TopicPartition> tps = new ArrayList<>();
          for (PartitionInfo p : consumer.partitionsFor(topic)) tps.add(new TopicPartition(topic, p.partition()));
          consumer.assign(tps);
          consumer.seekToBeginning(tps);
          // For read_committed, endOffsets is the last stable offset.
          Map<TopicPartition, Long> end = consumer.endOffsets(tps);
          long deadline = System.currentTimeMillis() + 30000;
          while (System.currentTimeMillis() < deadline) {
            boolean done = true;
            for (TopicPartition tp : tps) if (consumer.position(tp) < end.get(tp)) done = false;
            if (done) break;
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) System.out.println(r.partition() + " " + r.value());
          }
          System.out.println("END");
        }
        break;
      }
      default:
        throw new IllegalArgumentException(cmd);
    }
  }
}
