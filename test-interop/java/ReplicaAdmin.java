import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

// The Java AdminClient's replica calls against a broker, one call a line: "CALL ok RESULT" or "CALL error
// EXCEPTION MESSAGE"; per-partition results as "topic-partition=ok" or "topic-partition=ExceptionName".
//   java ReplicaAdmin BOOTSTRAP TOPIC
// TOPIC exists with 2 partitions on a 3-broker cluster (replicas p0 [1,2,3], p1 [2,3,1]); the cluster completes a
// reassignment only after a delay, so that it can be listed in progress.
public class ReplicaAdmin {
  interface Call { String run() throws Exception; }

  static void call(String name, Call c) {
    try {
      System.out.println(name + " ok " + c.run());
    } catch (Exception e) {
      System.out.println(name + " error " + describe(e));
    }
    System.out.flush();
  }

  static String describe(Throwable e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName() + " " + String.valueOf(cause.getMessage()).replace('\n', ' ');
  }

  /** Each partition's outcome, sorted by partition name. */
  static String outcomes(Map<TopicPartition, KafkaFuture<Void>> futures) {
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<TopicPartition, KafkaFuture<Void>> e : futures.entrySet()) {
      try {
        e.getValue().get();
        out.put(e.getKey().toString(), "ok");
      } catch (Exception ex) {
        out.put(e.getKey().toString(), (ex.getCause() == null ? ex : ex.getCause()).getClass().getSimpleName());
      }
    }
    return out.toString();
  }

  static String layout(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    StringBuilder s = new StringBuilder();
    for (TopicPartitionInfo p : d.partitions()) {
      s.append(" p").append(p.partition()).append("@").append(p.leader() == null ? -1 : p.leader().id())
        .append(p.replicas().stream().map(Node::id).collect(Collectors.toList()));
    }
    return s.toString().trim();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1];
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-direct-java-replica-admin");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    TopicPartition p0 = new TopicPartition(topic, 0), p1 = new TopicPartition(topic, 1);
    try (Admin admin = Admin.create(props)) {
      List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).sorted().collect(Collectors.toList());
      call("describeLogDirs", () -> {
        Map<Integer, Map<String, LogDirDescription>> all = admin.describeLogDirs(brokers).allDescriptions().get();
        List<String> out = new ArrayList<>();
        for (int b : brokers) {
          for (Map.Entry<String, LogDirDescription> dir : all.get(b).entrySet()) {
            LogDirDescription d = dir.getValue();
            List<String> held = d.replicaInfos().keySet().stream().map(TopicPartition::toString).sorted().collect(Collectors.toList());
            out.add(b + ":" + dir.getKey() + held + " error=" + d.error() + " total=" + d.totalBytes().isPresent() + " usable=" + d.usableBytes().isPresent());
          }
        }
        return String.join(" ", out);
      });
      call("alterPartitionReassignments", () -> {
        Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new LinkedHashMap<>();
        moves.put(p0, Optional.of(new NewPartitionReassignment(List.of(3, 2))));
        moves.put(p1, Optional.of(new NewPartitionReassignment(List.of(3, 2, 1))));
        moves.put(new TopicPartition("ghost", 0), Optional.of(new NewPartitionReassignment(List.of(1))));
        moves.put(new TopicPartition(topic, 7), Optional.of(new NewPartitionReassignment(List.of(1, 9))));
        return outcomes(admin.alterPartitionReassignments(moves).values());
      });
      call("listPartitionReassignments", () -> {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<TopicPartition, PartitionReassignment> e : admin.listPartitionReassignments().reassignments().get().entrySet()) {
          PartitionReassignment r = e.getValue();
          out.put(e.getKey().toString(), "replicas=" + r.replicas() + " adding=" + r.addingReplicas() + " removing=" + r.removingReplicas());
        }
        return out.toString();
      });
      call("awaitReassignments", () -> {
        for (int i = 0; i < 200 && !admin.listPartitionReassignments(Set.of(p0, p1)).reassignments().get().isEmpty(); i++) Thread.sleep(50);
        return layout(admin, topic);
      });
      call("cancelReassignment", () -> {
        Map<TopicPartition, Optional<NewPartitionReassignment>> cancel = new LinkedHashMap<>();
        cancel.put(p1, Optional.empty());
        return outcomes(admin.alterPartitionReassignments(cancel).values());
      });
      call("electLeaders", () -> {
        Map<TopicPartition, Optional<Throwable>> res = admin.electLeaders(ElectionType.PREFERRED, Set.of(p0, p1, new TopicPartition(topic, 9))).partitions().get();
        TreeMap<String, String> out = new TreeMap<>();
        res.forEach((tp, err) -> out.put(tp.toString(), err.map(e -> e.getClass().getSimpleName()).orElse("ok")));
        return out + " " + layout(admin, topic);
      });
      call("electLeadersUnclean", () -> {
        Map<TopicPartition, Optional<Throwable>> res = admin.electLeaders(ElectionType.UNCLEAN, Set.of(p0)).partitions().get();
        return res.get(p0).map(e -> e.getClass().getSimpleName()).orElse("ok");
      });
      call("describeMetadataQuorum", () -> {
        QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get();
        return "leader=" + q.leaderId() + " epoch=" + q.leaderEpoch() + " hw=" + (q.highWatermark() > 0)
          + " voters=" + q.voters().stream().map(QuorumInfo.ReplicaState::replicaId).collect(Collectors.toList())
          + " observers=" + q.observers().stream().map(QuorumInfo.ReplicaState::replicaId).sorted().collect(Collectors.toList())
          + " nodes=" + q.nodes().keySet();
      });
    }
  }
}
