import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

// The Java AdminClient against a broker, one call a line: "CALL ok RESULT" or "CALL error EXCEPTION MESSAGE".
// A failing call does not stop the others, so one run shows every call the broker serves and every one it does not.
//   java AdminCalls BOOTSTRAP TOPIC DATA_TOPIC GROUP
// TOPIC must not exist yet (it is created with 3 partitions, described, then deleted); DATA_TOPIC holds records
// (partition 0 is listed, then its first two records are deleted); GROUP committed offsets for DATA_TOPIC.
public class AdminCalls {
  interface Call { String run() throws Exception; }

  static void call(String name, Call c) {
    try {
      System.out.println(name + " ok " + c.run());
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.out.println(name + " error " + cause.getClass().getSimpleName() + " " + String.valueOf(cause.getMessage()).replace('\n', ' '));
    }
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1], data = args[2], group = args[3];
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-direct-java-admin");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(props)) {
      call("createTopics", () -> { admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(); return topic; });
      call("createTopicsExisting", () -> { admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(); return "created twice"; });
      call("createTopicsValidateOnly", () -> {
        admin.createTopics(List.of(new NewTopic(topic + "-dry", 2, (short) 1)), new org.apache.kafka.clients.admin.CreateTopicsOptions().validateOnly(true)).all().get();
        return String.valueOf(admin.listTopics().names().get().contains(topic + "-dry"));
      });
      call("listTopics", () -> new java.util.TreeSet<>(admin.listTopics().names().get()).toString());
      call("describeTopics", () -> {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        StringBuilder s = new StringBuilder(d.name() + " internal=" + d.isInternal());
        for (TopicPartitionInfo p : d.partitions()) s.append(" p").append(p.partition()).append("@").append(p.leader().id()).append("/").append(p.replicas().size()).append("/").append(p.isr().size());
        return s.toString();
      });
      call("describeTopicsById", () -> {
        org.apache.kafka.common.Uuid id = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        TopicDescription d = admin.describeTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get().get(id);
        return d.name() + " partitions=" + d.partitions().size() + " sameId=" + id.equals(d.topicId()) + " zeroId=" + id.equals(org.apache.kafka.common.Uuid.ZERO_UUID);
      });
      call("describeFeatures", () -> {
        var f = admin.describeFeatures().featureMetadata().get();
        return "finalized=" + new TreeMap<>(f.finalizedFeatures()).keySet() + " supported=" + new TreeMap<>(f.supportedFeatures()).keySet();
      });
      call("describeCluster", () -> {
        DescribeClusterResult r = admin.describeCluster();
        StringBuilder s = new StringBuilder("clusterId=" + r.clusterId().get() + " controller=" + r.controller().get().id() + " nodes=");
        for (Node n : r.nodes().get()) s.append(n.id()).append("@").append(n.host()).append(":").append(n.port()).append(",");
        return s.toString();
      });
      TopicPartition p0 = new TopicPartition(data, 0);
      call("listOffsets", () -> {
        StringBuilder s = new StringBuilder();
        for (var spec : Map.of("earliest", OffsetSpec.earliest(), "latest", OffsetSpec.latest(), "maxTimestamp", OffsetSpec.maxTimestamp(), "forTimestamp", OffsetSpec.forTimestamp(1_700_000_000_002L)).entrySet()) {
          ListOffsetsResult.ListOffsetsResultInfo i = admin.listOffsets(Map.of(p0, spec.getValue())).partitionResult(p0).get();
          s.append(spec.getKey()).append("=").append(i.offset()).append(" ");
        }
        return new TreeMap<>(java.util.Arrays.stream(s.toString().trim().split(" ")).collect(java.util.stream.Collectors.toMap(x -> x.split("=")[0], x -> x.split("=")[1]))).toString();
      });
      call("deleteRecords", () -> String.valueOf(admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(2))).lowWatermarks().get(p0).get().lowWatermark()));
      call("listOffsetsAfterDelete", () -> String.valueOf(admin.listOffsets(Map.of(p0, OffsetSpec.earliest())).partitionResult(p0).get().offset()));
      call("listConsumerGroups", () -> {
        StringBuilder s = new StringBuilder();
        for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) s.append(g.groupId()).append(":").append(g.type().map(Object::toString).orElse("?")).append(":").append(g.state().map(Object::toString).orElse("?")).append(" ");
        return s.toString().trim();
      });
      call("describeConsumerGroups", () -> {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        StringBuilder s = new StringBuilder("state=" + d.state() + " type=" + d.type() + " assignor=" + d.partitionAssignor() + " coordinator=" + d.coordinator().id() + " members=" + d.members().size());
        for (MemberDescription m : d.members()) s.append(" ").append(m.clientId()).append(m.assignment().topicPartitions());
        return s.toString();
      });
      call("listConsumerGroupOffsets", () -> {
        Map<TopicPartition, OffsetAndMetadata> o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        TreeMap<String, Long> s = new TreeMap<>();
        for (var e : o.entrySet()) s.put(e.getKey().toString(), e.getValue().offset());
        return s.toString();
      });
      call("alterConsumerGroupOffsets", () -> {
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(data, 0), new OffsetAndMetadata(1))).all().get();
        return String.valueOf(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(new TopicPartition(data, 0)).offset());
      });
      // Calls for APIs the fake broker does not serve (yet): each must fail cleanly, not hang.
      call("describeConfigs", () -> admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all().get().toString());
      call("createPartitions", () -> { admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(4))).all().get(); return "4"; });
      call("deleteConsumerGroupOffsets", () -> { admin.deleteConsumerGroupOffsets(group, java.util.Set.of(new TopicPartition(data, 0))).all().get(); return "deleted"; });
      call("deleteConsumerGroups", () -> { admin.deleteConsumerGroups(List.of(group)).all().get(); return "deleted"; });
      call("describeLogDirs", () -> admin.describeLogDirs(List.of(1)).allDescriptions().get().keySet().toString());
      call("deleteTopics", () -> {
        admin.deleteTopics(List.of(topic)).all().get();
        return String.valueOf(admin.listTopics().names().get().contains(topic));
      });
      call("deleteTopicsById", () -> {
        admin.createTopics(List.of(new NewTopic(topic + "-2", 1, (short) 1))).all().get();
        org.apache.kafka.common.Uuid id = admin.describeTopics(List.of(topic + "-2")).allTopicNames().get().get(topic + "-2").topicId();
        admin.deleteTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(List.of(id))).all().get();
        return String.valueOf(admin.listTopics().names().get().contains(topic + "-2"));
      });
    }
  }
}
