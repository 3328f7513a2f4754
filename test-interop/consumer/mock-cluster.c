/*
 * A librdkafka mock cluster for interop tests: a broker we did not write.
 *
 *   mock-cluster <brokers> <topic> <partitions> <messages>
 *
 * Starts a mock cluster (rdkafka_mock.h) with <brokers> brokers, creates <topic> with <partitions> partitions
 * (replication factor = brokers), fills it with <messages> records using librdkafka's own producer (record i goes
 * to partition i % partitions, key "key-<i>", value "value-<i>"), then prints
 *
 *   BOOTSTRAP host:port,host:port,...
 *
 * and reads commands from stdin, one per line, answering "OK" or "ERR <reason>" to each:
 *
 *   leader <topic> <partition> <broker-id>     move a partition's leader
 *   down <broker-id> / up <broker-id>          take a broker down (connections closed, refused) and back
 *   error <api-key> <count> <error-code>       the next <count> requests of that API fail with <error-code>
 *   produce <topic> <partition> <count>        append <count> more records to one partition
 *   quit
 *
 * Built by test-interop/consumer/librdkafka-mock.test.ts with `cc mock-cluster.c -lrdkafka`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static rd_kafka_t *rk;
static long long produced = 0;

static int produce_n (const char *topic, int partition, int partitions, long long n) {
  char key[64], value[64];
  for (long long i = 0; i < n; i++) {
    long long seq = produced++;
    int p = partition >= 0 ? partition : (int)(seq % partitions);
    snprintf(key, sizeof key, "key-%lld", seq);
    snprintf(value, sizeof value, "value-%lld", seq);
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(p),
                                    RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE(value, strlen(value)),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);
    }
    if (err) { fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err)); return -1; }
  }
  if (rd_kafka_flush(rk, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) { fprintf(stderr, "flush timed out\n"); return -1; }
  return 0;
}

int main (int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s brokers topic partitions messages\n", argv[0]); return 2; }
  int brokers = atoi(argv[1]);
  const char *topic = argv[2];
  int partitions = atoi(argv[3]);
  long long messages = atoll(argv[4]);
  char errstr[512], nb[16];
  snprintf(nb, sizeof nb, "%d", brokers);

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "test.mock.num.brokers", nb, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "conf: %s\n", errstr); return 1;
  }
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *mc = rd_kafka_handle_mock_cluster(rk);
  if (!mc) { fprintf(stderr, "no mock cluster\n"); return 1; }
  if (rd_kafka_mock_topic_create(mc, topic, partitions, brokers)) { fprintf(stderr, "topic create failed\n"); return 1; }
  if (produce_n(topic, -1, partitions, messages)) return 1;

  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  char line[512];
  while (fgets(line, sizeof line, stdin)) {
    char cmd[32] = "", t[256] = "";
    int a = 0, b = 0, c = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (sscanf(line, "%31s", cmd) != 1) continue;
    if (!strcmp(cmd, "quit")) break;
    if (!strcmp(cmd, "leader") && sscanf(line, "%*s %255s %d %d", t, &a, &b) == 3) {
      err = rd_kafka_mock_partition_set_leader(mc, t, a, b);
    } else if (!strcmp(cmd, "down") && sscanf(line, "%*s %d", &a) == 1) {
      err = rd_kafka_mock_broker_set_down(mc, a);
    } else if (!strcmp(cmd, "up") && sscanf(line, "%*s %d", &a) == 1) {
      err = rd_kafka_mock_broker_set_up(mc, a);
    } else if (!strcmp(cmd, "error") && sscanf(line, "%*s %d %d %d", &a, &b, &c) == 3) {
      rd_kafka_resp_err_t *errs = calloc((size_t)b, sizeof *errs);
      for (int i = 0; i < b; i++) errs[i] = (rd_kafka_resp_err_t)c;
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, (size_t)b, errs);
      free(errs);
    } else if (!strcmp(cmd, "produce") && sscanf(line, "%*s %255s %d %d", t, &a, &b) == 3) {
      if (produce_n(t, a, partitions, b)) { printf("ERR produce failed\n"); fflush(stdout); continue; }
    } else {
      printf("ERR unknown command\n"); fflush(stdout); continue;
    }
    if (err) printf("ERR %s\n", rd_kafka_err2str(err)); else printf("OK\n");
    fflush(stdout);
  }
  rd_kafka_destroy(rk);
  return 0;
}
