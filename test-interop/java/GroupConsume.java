import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

// A consumer group of two members (the classic protocol: FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// OffsetFetch, OffsetCommit, LeaveGroup), each a KafkaConsumer on its own thread and its own connections. Members
// hold their partitions paused until both have an assignment, so the work is really split; each commits
// synchronously after every poll and in onPartitionsRevoked, so no record is read twice. Stops once EXPECTED records
// were read by the group. Prints "assigned MEMBER P,P", "record MEMBER P O VALUE", and "done MEMBER".
// ASSIGNOR is "range" (the default, eager) or "cooperative-sticky" (incremental, KIP-429); "static" gives each
// member a group.instance.id (static membership, KIP-345).
//   java GroupConsume BOOTSTRAP GROUP TOPIC EXPECTED [ASSIGNOR] [static]
public class GroupConsume {
  static final Map<String, Collection<TopicPartition>> assignments = new ConcurrentHashMap<>();
  static final AtomicInteger consumed = new AtomicInteger();

  static boolean bothAssigned() {
    return assignments.size() == 2 && assignments.values().stream().noneMatch(Collection::isEmpty);
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], group = args[1], topic = args[2];
    int expected = Integer.parseInt(args[3]);
    String assignor = args.length > 4 ? args[4] : "range";
    boolean isStatic = args.length > 5 && args[5].equals("static");
    Thread a = new Thread(() -> member(bootstrap, group, topic, expected, "m1", assignor, isStatic));
    Thread b = new Thread(() -> member(bootstrap, group, topic, expected, "m2", assignor, isStatic));
    a.start();
    b.start();
    a.join();
    b.join();
  }

  static void member(String bootstrap, String group, String topic, int expected, String name, String assignor, boolean isStatic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "kafka-direct-java-" + name);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.equals("cooperative-sticky")
      ? "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" : "org.apache.kafka.clients.consumer.RangeAssignor");
    if (isStatic) props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-" + name);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      // The consumer's own assignment after each change: everything under the eager protocol, only the
      // difference under the cooperative one, which is why the callbacks' arguments are not used for it.
      // Printed before the partitions go and after new ones come, so that the lines, in order, never show two
      // members holding one partition unless the broker's assignment did.
      private void held(Collection<TopicPartition> now) {
        assignments.put(name, List.copyOf(now));
        var sorted = new java.util.TreeSet<Integer>();
        for (TopicPartition tp : now) sorted.add(tp.partition());
        StringBuilder s = new StringBuilder();
        for (int p : sorted) s.append(s.length() == 0 ? "" : ",").append(p);
        System.out.println("assigned " + name + " " + s);
      }
      private Collection<TopicPartition> without(Collection<TopicPartition> parts) {
        var rest = new java.util.HashSet<>(consumer.assignment());
        rest.removeAll(parts);
        return rest;
      }
      public void onPartitionsRevoked(Collection<TopicPartition> parts) {
        consumer.commitSync();
        held(without(parts));
      }
      public void onPartitionsLost(Collection<TopicPartition> parts) {
        held(without(parts));
      }
      public void onPartitionsAssigned(Collection<TopicPartition> parts) {
        held(consumer.assignment());
        if (!bothAssigned()) consumer.pause(parts);
      }
    });
    long deadline = System.currentTimeMillis() + 90_000;
    try {
      while (consumed.get() < expected && System.currentTimeMillis() < deadline) {
        if (bothAssigned() && !consumer.paused().isEmpty()) consumer.resume(consumer.paused());
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<String, String> r : records) {
          System.out.println("record " + name + " " + r.partition() + " " + r.offset() + " " + r.value());
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
          consumed.addAndGet(records.count());
        }
      }
      consumer.commitSync();
    } finally {
      consumer.close();
    }
    System.out.println("done " + name);
  }
}
