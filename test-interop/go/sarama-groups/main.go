// Our IBM/sarama program for test-interop/fake-broker/sarama.test.ts: today's Sarama (github.com/IBM/sarama)
// speaking Kafka 4.0's request versions, for the group calls Sarama 1.22 lacks: a group consumer reads a topic,
// the ClusterAdmin lists and describes the group, lists its offsets, deletes one partition's offset (OffsetDelete),
// fails to delete the group while the member is in it, and deletes it once the member has left. One JSON line per
// call for the test to check.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"
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

// member marks what it reads and signals `done` once it has read `want` records.
type member struct {
	done chan struct{}
	seen int
	want int
}

func (m *member) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (m *member) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (m *member) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for msg := range c.Messages() {
		s.MarkMessage(msg, "")
		m.seen++
		if m.seen == m.want {
			s.Commit()
			close(m.done)
		}
	}
	return nil
}

func offsets(admin sarama.ClusterAdmin, group string) []any {
	res, err := admin.ListConsumerGroupOffsets(group, map[string][]int32{"g1": {0, 1}})
	must(err, "ListConsumerGroupOffsets")
	var out []any
	for _, p := range []int32{0, 1} {
		b := res.GetBlock("g1", p)
		out = append(out, []any{p, b.Offset})
	}
	return out
}

func main() {
	brokers := strings.Split(os.Args[1], ",")
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V4_0_0_0
	cfg.ClientID = "sarama-groups"
	admin, err := sarama.NewClusterAdmin(brokers, cfg)
	must(err, "NewClusterAdmin")
	defer admin.Close()
	emit("create", errName(admin.CreateTopic("g1", &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false)))

	pcfg := sarama.NewConfig()
	pcfg.Version = sarama.V4_0_0_0
	pcfg.Producer.Return.Successes = true
	pcfg.Producer.Partitioner = sarama.NewManualPartitioner
	producer, err := sarama.NewSyncProducer(brokers, pcfg)
	must(err, "NewSyncProducer")
	for i := 0; i < 4; i++ {
		_, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: "g1", Partition: int32(i % 2), Value: sarama.StringEncoder(fmt.Sprintf("v%d", i))})
		must(err, "SendMessage")
	}
	must(producer.Close(), "producer.Close")

	gcfg := sarama.NewConfig()
	gcfg.Version = sarama.V4_0_0_0
	gcfg.ClientID = "sarama-member"
	gcfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	gcfg.Consumer.Offsets.AutoCommit.Enable = false
	group, err := sarama.NewConsumerGroup(brokers, "sg", gcfg)
	must(err, "NewConsumerGroup")
	ctx, cancel := context.WithCancel(context.Background())
	m := &member{done: make(chan struct{}), want: 4}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for ctx.Err() == nil {
			if err := group.Consume(ctx, []string{"g1"}, m); err != nil && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "Consume: %v\n", err)
				time.Sleep(100 * time.Millisecond)
			}
		}
	}()
	select {
	case <-m.done:
	case <-time.After(30 * time.Second):
		must(fmt.Errorf("the group member read %d of 4", m.seen), "ConsumerGroup")
	}
	groups, err := admin.ListConsumerGroups()
	must(err, "ListConsumerGroups")
	emit("listGroups", groups)
	described, err := admin.DescribeConsumerGroups([]string{"sg"})
	must(err, "DescribeConsumerGroups")
	for _, g := range described {
		var members []any
		for _, mm := range g.Members {
			assignment, err := mm.GetMemberAssignment()
			must(err, "GetMemberAssignment")
			members = append(members, []any{mm.ClientId, assignment.Topics})
		}
		emit("describeGroup", g.GroupId, int(g.Err), g.State, g.ProtocolType, g.Protocol, members)
	}
	emit("offsets", offsets(admin, "sg"))
	emit("deleteOffsetSubscribed", errName(admin.DeleteConsumerGroupOffset("sg", "g1", 0)))
	emit("deleteBusy", errName(admin.DeleteConsumerGroup("sg")))
	cancel()
	<-stopped
	must(group.Close(), "group.Close")
	emit("deleteOffset", errName(admin.DeleteConsumerGroupOffset("sg", "g1", 0)))
	emit("offsetsAfter", offsets(admin, "sg"))
	emit("delete", errName(admin.DeleteConsumerGroup("sg")))
	emit("deleteAgain", errName(admin.DeleteConsumerGroup("sg")))
	groups, err = admin.ListConsumerGroups()
	must(err, "ListConsumerGroups")
	emit("listAfter", groups)
}
