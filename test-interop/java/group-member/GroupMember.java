// A Java KafkaConsumer group member for the interop tests (our program, run against the kafka-clients jar):
//
//   java GroupMember <bootstrap> <topic> <group> <group.protocol> <assignor or "-">
//
// Prints one line per record, "<partition> <offset>", and one line per rebalance callback, "ASSIGNED 0,1" /
// "REVOKED 2" / "LOST 3", flushing each, until killed. Auto-commit every 200 ms; short timeouts so that tests
// see rebalances quickly. group.protocol is "classic" or "consumer" (KIP-848; the assignor is then the server's
// group.remote.assignor, or "-" for the broker default).
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class GroupMember {
  public static void main(String[] args) {
    Properties p = new Properties();
    p.put("bootstrap.servers", args[0]);
    p.put("group.id", args[2]);
    p.put("group.protocol", args[3]);
    p.put("auto.offset.reset", "earliest");
    p.put("enable.auto.commit", "true");
    p.put("auto.commit.interval.ms", "200");
    p.put("fetch.max.wait.ms", "100");
    p.put("client.id", "java-member");
    if (args[3].equals("classic")) {
      p.put("session.timeout.ms", "6000");
      p.put("heartbeat.interval.ms", "500");
      if (!args[4].equals("-")) p.put("partition.assignment.strategy", args[4]);
    } else if (!args[4].equals("-")) {
      p.put("group.remote.assignor", args[4]);
    }
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(Collections.singletonList(args[1]), new ConsumerRebalanceListener() {
        public void onPartitionsAssigned(Collection<TopicPartition> tps) { say("ASSIGNED", tps); }
        public void onPartitionsRevoked(Collection<TopicPartition> tps) { say("REVOKED", tps); }
        public void onPartitionsLost(Collection<TopicPartition> tps) { say("LOST", tps); }
      });
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) System.out.println(r.partition() + " " + r.offset());
        System.out.flush();
      }
    }
  }

  static void say(String what, Collection<TopicPartition> tps) {
    System.out.println(what + " " + tps.stream().map(tp -> Integer.toString(tp.partition())).sorted().collect(Collectors.joining(",")));
    System.out.flush();
  }
}
