// Our kadm program for test-interop/fake-broker/kadm-replicas.test.ts: franz-go's admin client (kadm) describes
// log dirs, moves a partition's replicas, lists and cancels reassignments, elects preferred leaders, and asks for
// the metadata quorum (kadm has no call for it: a kmsg DescribeQuorum request through the same client). One JSON
// line per call, keys sorted, for the test to check.
//
//	kadm-replicas BOOTSTRAP TOPIC
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
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

func main() {
	topic := os.Args[2]
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(os.Args[1], ",")...))
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	dirs, err := adm.DescribeAllLogDirs(ctx, nil)
	if err != nil {
		panic(err)
	}
	for _, d := range dirs.Sorted() {
		held := []string{}
		for t, ps := range d.Topics {
			for p := range ps {
				held = append(held, fmt.Sprintf("%s-%d", t, p))
			}
		}
		sort.Strings(held)
		emit("logdir", d.Broker, d.Dir, errName(d.Err), held, d.TotalBytes > 0, d.UsableBytes > 0)
	}

	var req kadm.AlterPartitionAssignmentsReq
	req.Assign(topic, 0, []int32{2, 3})
	req.Assign(topic, 1, []int32{1, 2, 4})
	req.Assign("ghost", 0, []int32{1})
	moved, err := adm.AlterPartitionAssignments(ctx, req)
	if err != nil {
		panic(err)
	}
	for _, r := range moved.Sorted() {
		emit("move", r.Topic, r.Partition, errName(r.Err))
	}
	// kadm lists nothing for an empty set (it never sends a null topic list): name the partitions.
	var asked kadm.TopicsSet
	asked.Add(topic, 0, 1, 2)
	listed, err := adm.ListPartitionReassignments(ctx, asked)
	if err != nil {
		panic(err)
	}
	for _, r := range listed.Sorted() {
		emit("listed", r.Topic, r.Partition, r.Replicas, r.AddingReplicas, r.RemovingReplicas)
	}
	var undo kadm.AlterPartitionAssignmentsReq
	undo.CancelAssign(topic, 0)
	undo.CancelAssign(topic, 1)
	cancelled, err := adm.AlterPartitionAssignments(ctx, undo)
	if err != nil {
		panic(err)
	}
	for _, r := range cancelled.Sorted() {
		emit("cancel", r.Topic, r.Partition, errName(r.Err))
	}

	var set kadm.TopicsSet
	set.Add(topic, 0, 1)
	elected, err := adm.ElectLeaders(ctx, kadm.ElectPreferredReplica, set)
	if err != nil {
		panic(err)
	}
	for _, t := range []string{topic} {
		for _, p := range []int32{0, 1} {
			r := elected[t][p]
			emit("elect", t, p, errName(r.Err))
		}
	}

	q := kmsg.NewPtrDescribeQuorumRequest()
	qt := kmsg.NewDescribeQuorumRequestTopic()
	qt.Topic = "__cluster_metadata"
	qp := kmsg.NewDescribeQuorumRequestTopicPartition()
	qt.Partitions = append(qt.Partitions, qp)
	q.Topics = append(q.Topics, qt)
	qr, err := q.RequestWith(ctx, cl)
	if err != nil {
		panic(err)
	}
	p := qr.Topics[0].Partitions[0]
	voters := []int32{}
	for _, v := range p.CurrentVoters {
		voters = append(voters, v.ReplicaID)
	}
	observers := []int32{}
	for _, o := range p.Observers {
		observers = append(observers, o.ReplicaID)
	}
	emit("quorum", qr.Version, p.ErrorCode, p.LeaderID, p.LeaderEpoch, p.HighWatermark > 0, voters, observers, len(qr.Nodes))
}
