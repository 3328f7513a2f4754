import java.time.Duration;
import java.util.Collections;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

// Keeps a producer and a consumer busy for DURATION_MS, long enough to outlive several SASL sessions (KIP-368): one
// record produced (and waited for) every 100 ms to partition 0 of TOPIC, read back by an assigned consumer from the
// beginning. Any error ends the program with a non-zero status. Prints "record VALUE" per record read, then
// "sent N".
//   java -Dkd.client.config=FILE ReauthLoop BOOTSTRAP TOPIC DURATION_MS
public class ReauthLoop {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1];
    long duration = Long.parseLong(args[2]);
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.CLIENT_ID_CONFIG, "kafka-direct-java-reauth-producer");
    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cp.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-direct-java-reauth-consumer");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(ClientConfig.withExtra(pp), new StringSerializer(), new StringSerializer());
         KafkaConsumer<String, String> consumer = new KafkaConsumer<>(ClientConfig.withExtra(cp), new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(Collections.singletonList(tp));
      consumer.seekToBeginning(Collections.singletonList(tp));
      long sent = 0, read = 0;
      long deadline = System.currentTimeMillis() + duration;
      while (System.currentTimeMillis() < deadline) {
        producer.send(new ProducerRecord<>(topic, 0, null, "j" + sent)).get();
        sent++;
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          System.out.println("record " + r.value());
          read++;
        }
      }
      long drain = System.currentTimeMillis() + 30_000;
      while (read < sent && System.currentTimeMillis() < drain) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          System.out.println("record " + r.value());
          read++;
        }
      }
      System.out.println("sent " + sent);
    }
  }
}
