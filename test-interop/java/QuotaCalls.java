import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterClientQuotasOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.serialization.StringSerializer;

// The Java AdminClient's client-quota and producer-state calls against a broker, one call a line: "CALL ok RESULT"
// or "CALL error EXCEPTION MESSAGE" (a failing call does not stop the others). Between the describeProducers calls
// an idempotent producer writes to partition 0 of TOPIC and a transactional one leaves a transaction open there.
//   java QuotaCalls BOOTSTRAP TOPIC
public class QuotaCalls {
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

  static ClientQuotaEntity entity(String... typeAndName) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < typeAndName.length; i += 2) m.put(typeAndName[i], typeAndName[i + 1]);
    return new ClientQuotaEntity(m);
  }

  static String describe(Admin admin, ClientQuotaFilter filter) throws Exception {
    TreeMap<String, String> out = new TreeMap<>();
    for (var e : admin.describeClientQuotas(filter).entities().get().entrySet()) {
      out.put(new TreeMap<>(e.getKey().entries()).toString(), new TreeMap<>(e.getValue()).toString());
    }
    return out.toString();
  }

  static String producers(Admin admin, TopicPartition tp) throws Exception {
    List<String> out = new ArrayList<>();
    for (ProducerState p : admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers()) {
      out.add("pid>=0:" + (p.producerId() >= 0) + " epoch=" + p.producerEpoch() + " lastSeq=" + p.lastSequence()
        + " hasTimestamp=" + (p.lastTimestamp() > 0) + " coordinatorEpoch=" + p.coordinatorEpoch().orElse(-1)
        + " txnStart=" + p.currentTransactionStartOffset().orElse(-1L));
    }
    java.util.Collections.sort(out);
    return out.toString();
  }

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], topic = args[1];
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-direct-java-quotas");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(props)) {
      call("alterClientQuotas", () -> {
        admin.alterClientQuotas(List.of(
          new ClientQuotaAlteration(entity("user", "jalice"), List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1024.0), new ClientQuotaAlteration.Op("consumer_byte_rate", 2048.0))),
          new ClientQuotaAlteration(entity("user", "jalice", "client-id", null), List.of(new ClientQuotaAlteration.Op("request_percentage", 50.0))),
          new ClientQuotaAlteration(entity("client-id", null), List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 4096.0)))
        )).all().get();
        return "3";
      });
      call("alterClientQuotasInvalid", () -> {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity("user", "jbob"), List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1.5))))).all().get();
        return "accepted";
      });
      call("alterClientQuotasValidateOnly", () -> {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity("user", "jcarol"), List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 10.0)))), new AlterClientQuotasOptions().validateOnly(true)).all().get();
        return describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity("user", "jcarol"))));
      });
      call("describeClientQuotasExact", () -> describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity("user", "jalice")))));
      call("describeClientQuotasContains", () -> describe(admin, ClientQuotaFilter.contains(List.of(ClientQuotaFilterComponent.ofEntity("user", "jalice")))));
      call("describeClientQuotasDefault", () -> describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofDefaultEntity("client-id")))));
      call("describeClientQuotasAll", () -> describe(admin, ClientQuotaFilter.all()));
      call("removeClientQuotas", () -> {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity("user", "jalice"), List.of(new ClientQuotaAlteration.Op("producer_byte_rate", null))))).all().get();
        return describe(admin, ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity("user", "jalice"))));
      });

      TopicPartition tp = new TopicPartition(topic, 0);
      call("describeProducersEmpty", () -> producers(admin, tp));
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
      pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "20000");
      try (KafkaProducer<String, String> idempotent = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 3; i++) idempotent.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
      }
      call("describeProducersIdempotent", () -> producers(admin, tp));
      Properties tx = new Properties();
      tx.putAll(pp);
      tx.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "quota-calls-txn");
      try (KafkaProducer<String, String> transactional = new KafkaProducer<>(tx, new StringSerializer(), new StringSerializer())) {
        transactional.initTransactions();
        transactional.beginTransaction();
        transactional.send(new ProducerRecord<>(topic, 0, "t", "open")).get();
        call("describeProducersOpenTxn", () -> producers(admin, tp));
        transactional.commitTransaction();
      }
      call("describeProducersCommitted", () -> producers(admin, tp));
    }
  }
}
