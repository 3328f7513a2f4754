import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

// Produces COUNT records of SIZE bytes to partition 0 of TOPIC with client id CLIENT_ID (acks=1) and prints how
// long it took and the producer's own throttle metrics: what a broker's quota did to this client.
//   java ThrottledProduce BOOTSTRAP TOPIC CLIENT_ID COUNT SIZE
// prints "elapsedMs E throttleMaxMs M throttleAvgMs A"
public class ThrottledProduce {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1], clientId = args[2];
    int count = Integer.parseInt(args[3]), size = Integer.parseInt(args[4]);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
    byte[] value = new byte[size];
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, 0, null, value));
      producer.flush();
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      double max = 0, avg = 0;
      for (var e : producer.metrics().entrySet()) {
        MetricName n = e.getKey();
        if (!n.group().equals("producer-metrics")) continue;
        Metric m = e.getValue();
        if (n.name().equals("produce-throttle-time-max")) max = ((Number) m.metricValue()).doubleValue();
        if (n.name().equals("produce-throttle-time-avg")) avg = ((Number) m.metricValue()).doubleValue();
      }
      System.out.println("elapsedMs " + elapsedMs + " throttleMaxMs " + Math.round(max) + " throttleAvgMs " + Math.round(avg));
    }
  }
}
