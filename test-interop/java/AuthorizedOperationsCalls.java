import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;

// The Java AdminClient's authorized operations (KIP-430) against a broker, one call a line as AdminCalls prints them.
// Security settings come from -Dkd.client.config (ClientConfig).
//   java AuthorizedOperationsCalls BOOTSTRAP GROUP TOPIC...
// describeTopics and describeCluster with and without includeAuthorizedOperations, and describeConsumerGroups with
// it; each topic's or group's result on its own ("name=[OPS]", "name=error EXCEPTION"; null when the broker left the
// bit set unset), the operations sorted by name.
public class AuthorizedOperationsCalls {
  static String ops(Set<AclOperation> set) {
    if (set == null) return "null";
    TreeSet<String> out = new TreeSet<>();
    for (AclOperation op : set) out.add(op.name());
    return out.toString();
  }

  static <T> String each(Map<String, KafkaFuture<T>> futures, java.util.function.Function<T, Set<AclOperation>> get) {
    TreeMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, KafkaFuture<T>> e : futures.entrySet()) {
      try {
        out.put(e.getKey(), ops(get.apply(e.getValue().get())));
      } catch (Exception ex) {
        Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
        out.put(e.getKey(), "error " + cause.getClass().getSimpleName());
      }
    }
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], group = args[1];
    List<String> topics = List.of(args).subList(2, args.length);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-direct-java-authorized-operations");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(ClientConfig.withExtra(props))) {
      AdminCalls.call("describeTopics", () -> each(admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues(), TopicDescription::authorizedOperations));
      AdminCalls.call("describeTopicsNotAsked", () -> each(admin.describeTopics(topics).topicNameValues(), TopicDescription::authorizedOperations));
      AdminCalls.call("describeCluster", () -> ops(admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true)).authorizedOperations().get()));
      AdminCalls.call("describeClusterNotAsked", () -> ops(admin.describeCluster().authorizedOperations().get()));
      AdminCalls.call("describeConsumerGroups", () -> each(admin.describeConsumerGroups(List.of(group), new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups(), ConsumerGroupDescription::authorizedOperations));
    }
  }
}
