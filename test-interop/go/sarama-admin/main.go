// Our Sarama program for test-interop/fake-broker/sarama.test.ts: Sarama's ClusterAdmin (1.22, the release whose
// ListTopics sends DescribeConfigs v0, issue 15) creates, lists, describes, alters and deletes a topic, deletes
// records, and lists and describes a consumer group while one of Sarama's group consumers is in it; a sync producer
// and a partition consumer make a round trip, once at the admin's protocol version and once at Sarama's default
// (Kafka 0.8.2: Produce v0 and Fetch v0 with v0 message sets). One JSON line per call for the test to check.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/Shopify/sarama"
)

func errName(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

func emit(v ...any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

var brokers []string

// roundTrip produces five values to partition 0 of topic with a sync producer and reads them back from the
// partition's first offset; it answers the produced offsets and the values read.
func roundTrip(cfg *sarama.Config, topic string) ([]int64, []string) {
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewManualPartitioner
	producer, err := sarama.NewSyncProducer(brokers, cfg)
	must(err, "NewSyncProducer")
	var offsets []int64
	for i := 0; i < 5; i++ {
		_, offset, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: 0, Key: sarama.StringEncoder(fmt.Sprintf("k%d", i)), Value: sarama.StringEncoder(fmt.Sprintf("v%d", i))})
		must(err, "SendMessage")
		offsets = append(offsets, offset)
	}
	must(producer.Close(), "producer.Close")
	consumer, err := sarama.NewConsumer(brokers, cfg)
	must(err, "NewConsumer")
	pc, err := consumer.ConsumePartition(topic, 0, sarama.OffsetOldest)
	must(err, "ConsumePartition")
	var values []string
	timeout := time.After(20 * time.Second)
	for len(values) < 5 {
		select {
		case m := <-pc.Messages():
			values = append(values, fmt.Sprintf("%d:%s=%s", m.Offset, m.Key, m.Value))
		case err := <-pc.Errors():
			must(err, "ConsumePartition message")
		case <-timeout:
			must(fmt.Errorf("read %d of 5", len(values)), "ConsumePartition")
		}
	}
	must(pc.Close(), "pc.Close")
	must(consumer.Close(), "consumer.Close")
	return offsets, values
}

// member consumes the topic in a group and marks what it reads; it signals `done` once offset 4 of partition 0 is marked.
type member struct{ done chan struct{} }

func (m *member) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (m *member) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (m *member) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for msg := range c.Messages() {
		s.MarkMessage(msg, "")
		if msg.Partition == 0 && msg.Offset == 4 {
			close(m.done)
		}
	}
	return nil
}

func describeGroup(admin sarama.ClusterAdmin, group string) {
	groups, err := admin.DescribeConsumerGroups([]string{group})
	must(err, "DescribeConsumerGroups")
	for _, g := range groups {
		var members []any
		for _, m := range g.Members {
			meta, err := m.GetMemberMetadata()
			must(err, "GetMemberMetadata")
			assignment, err := m.GetMemberAssignment()
			must(err, "GetMemberAssignment")
			members = append(members, []any{m.ClientId, meta.Topics, assignment.Topics})
		}
		emit("describeGroup", g.GroupId, int(g.Err), g.State, g.ProtocolType, g.Protocol, members)
	}
}

func main() {
	brokers = strings.Split(os.Args[1], ",")
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_1_0_0
	cfg.ClientID = "sarama-admin"
	admin, err := sarama.NewClusterAdmin(brokers, cfg)
	must(err, "NewClusterAdmin")
	defer admin.Close()

	compact := "compact"
	emit("create", errName(admin.CreateTopic("s1", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1, ConfigEntries: map[string]*string{"cleanup.policy": &compact}}, false)))
	emit("createAgain", errName(admin.CreateTopic("s1", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false)))
	// ListTopics: Metadata for all topics, then DescribeConfigs v0 for each, keeping the non-default entries.
	topics, err := admin.ListTopics()
	must(err, "ListTopics")
	for name, d := range topics {
		configs := map[string]string{}
		for k, v := range d.ConfigEntries {
			configs[k] = *v
		}
		emit("list", name, d.NumPartitions, d.ReplicationFactor, configs)
	}
	emit("partitions", errName(admin.CreatePartitions("s1", 3, nil, false)))
	described, err := admin.DescribeTopics([]string{"s1", "ghost"})
	must(err, "DescribeTopics")
	for _, t := range described {
		emit("describeTopic", t.Name, int(t.Err), len(t.Partitions))
	}
	retention := "1000"
	emit("alter", errName(admin.AlterConfig(sarama.TopicResource, "s1", map[string]*string{"retention.ms": &retention}, false)))
	entries, err := admin.DescribeConfig(sarama.ConfigResource{Type: sarama.TopicResource, Name: "s1"})
	must(err, "DescribeConfig")
	values := map[string]any{}
	for _, e := range entries {
		if e.Name == "retention.ms" || e.Name == "cleanup.policy" || e.Name == "segment.ms" {
			values[e.Name] = []any{e.Value, e.Default, e.ReadOnly}
		}
	}
	emit("describeConfig", values)

	offsets, read := roundTrip(sarama.NewConfig(), "s1")
	emit("roundTripDefaultVersion", offsets, read)
	rtCfg := sarama.NewConfig()
	rtCfg.Version = sarama.V2_1_0_0
	offsets, read = roundTrip(rtCfg, "s1")
	emit("roundTrip", offsets, read)

	// A group member reads partition 0 from the start; while it is in the group the admin lists and describes it.
	gcfg := sarama.NewConfig()
	gcfg.Version = sarama.V2_1_0_0
	gcfg.ClientID = "sarama-member"
	gcfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	gcfg.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	group, err := sarama.NewConsumerGroup(brokers, "sg", gcfg)
	must(err, "NewConsumerGroup")
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{done: make(chan struct{})}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			if err := group.Consume(ctx, []string{"s1"}, m); err != nil && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "Consume: %v\n", err)
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	select {
	case <-m.done:
	case <-time.After(30 * time.Second):
		must(fmt.Errorf("the group member read nothing"), "ConsumerGroup")
	}
	groups, err := admin.ListConsumerGroups()
	must(err, "ListConsumerGroups")
	emit("listGroups", groups)
	describeGroup(admin, "sg")
	cancel()
	<-stopped
	must(group.Close(), "group.Close")
	describeGroup(admin, "sg")
	fetched, err := admin.ListConsumerGroupOffsets("sg", map[string][]int32{"s1": {0, 1}})
	must(err, "ListConsumerGroupOffsets")
	var committed []any
	for _, p := range []int32{0, 1} {
		b := fetched.GetBlock("s1", p)
		committed = append(committed, []any{p, b.Offset, int(b.Err)})
	}
	emit("groupOffsets", committed)

	emit("deleteRecords", errName(admin.DeleteRecords("s1", map[int32]int64{0: 3})))
	client, err := sarama.NewClient(brokers, rtCfg)
	must(err, "NewClient")
	oldest, err := client.GetOffset("s1", 0, sarama.OffsetOldest)
	must(err, "GetOffset")
	newest, err := client.GetOffset("s1", 0, sarama.OffsetNewest)
	must(err, "GetOffset")
	must(client.Close(), "client.Close")
	emit("offsets", oldest, newest)

	emit("delete", errName(admin.DeleteTopic("s1")))
	topics, err = admin.ListTopics()
	must(err, "ListTopics")
	var names []string
	for name := range topics {
		names = append(names, name)
	}
	sort.Strings(names)
	emit("listAfter", names)
	cluster, controller, err := admin.DescribeCluster()
	must(err, "DescribeCluster")
	emit("cluster", len(cluster), controller)
}
