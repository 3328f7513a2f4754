import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

// The Java AdminClient's ACL calls against a broker, one call a line as AdminCalls prints them ("CALL ok RESULT" or
// "CALL error EXCEPTION MESSAGE"); a failing call does not stop the others. Security settings come from -Dkd.client.config (ClientConfig).
//   java AclCalls BOOTSTRAP
// Creates ACLs on the topic "orders" (LITERAL), topics starting "ord" (PREFIXED) and the group "g", lists them
// with several filters, deletes the WRITE ones, lists again, and lists the topics the caller may see.
public class AclCalls {
  static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal, AclOperation op, AclPermissionType permission) {
    return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry(principal, "*", op, permission));
  }

  static String sorted(Collection<AclBinding> bindings) {
    TreeSet<String> out = new TreeSet<>();
    for (AclBinding b : bindings) {
      out.add(b.pattern().resourceType() + ":" + b.pattern().patternType() + ":" + b.pattern().name() + " " + b.entry().permissionType() + " "
          + b.entry().principal() + "@" + b.entry().host() + " " + b.entry().operation());
    }
    return out.toString();
  }

  static AclBindingFilter filter(ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBindingFilter(new ResourcePatternFilter(type, name, pattern), new AccessControlEntryFilter(null, null, op, AclPermissionType.ANY));
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-direct-java-acls");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(ClientConfig.withExtra(props))) {
      AdminCalls.call("createAcls", () -> {
        admin.createAcls(List.of(
            acl(ResourceType.TOPIC, "orders", PatternType.LITERAL, "User:alice", AclOperation.READ, AclPermissionType.ALLOW),
            acl(ResourceType.TOPIC, "ord", PatternType.PREFIXED, "User:alice", AclOperation.WRITE, AclPermissionType.ALLOW),
            acl(ResourceType.GROUP, "g", PatternType.LITERAL, "User:*", AclOperation.READ, AclPermissionType.DENY))).all().get();
        return "3";
      });
      AdminCalls.call("createAclsInvalid", () -> {
        admin.createAcls(List.of(acl(ResourceType.CLUSTER, "not-the-cluster", PatternType.LITERAL, "User:alice", AclOperation.ALTER, AclPermissionType.ALLOW))).all().get();
        return "created";
      });
      AdminCalls.call("describeAcls", () -> sorted(admin.describeAcls(AclBindingFilter.ANY).values().get()));
      AdminCalls.call("describeAclsMatch", () -> sorted(admin.describeAcls(filter(ResourceType.TOPIC, "orders", PatternType.MATCH, AclOperation.ANY)).values().get()));
      AdminCalls.call("describeAclsPrefixed", () -> sorted(admin.describeAcls(filter(ResourceType.ANY, null, PatternType.PREFIXED, AclOperation.ANY)).values().get()));
      AdminCalls.call("deleteAcls", () -> sorted(admin.deleteAcls(List.of(filter(ResourceType.ANY, null, PatternType.ANY, AclOperation.WRITE))).all().get()));
      AdminCalls.call("describeAclsAfter", () -> sorted(admin.describeAcls(AclBindingFilter.ANY).values().get()));
      AdminCalls.call("listTopics", () -> new TreeSet<>(admin.listTopics().names().get()).toString());
    }
  }
}
