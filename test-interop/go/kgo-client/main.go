// franz-go's kgo client against a broker, for the interop tests. Three commands, each printing plain lines:
//
//	kgo-client produce BOOTSTRAP TOPIC PARTITIONS COUNT
//	  record i goes to partition i % PARTITIONS with key "k<i>", value "v<i>" and a header h=i<i>, through kgo's
//	  default idempotent producer (InitProducerId, then sequenced batches). Prints
//	  "partition P first F last L count N" per partition from the acknowledgements.
//	kgo-client consume BOOTSTRAP TOPIC PARTITIONS SEEK_PARTITION SEEK_OFFSET EXPECTED
//	  reads every partition directly (no group), SEEK_PARTITION from SEEK_OFFSET and the others from the start,
//	  until EXPECTED records arrived. Prints "record P O KEY VALUE".
//	kgo-client group BOOTSTRAP GROUP TOPIC EXPECTED [consumer]
//	  two group members (two clients, the classic protocol with kgo's cooperative-sticky balancer) that keep their
//	  partitions paused until both hold some, commit after every poll and before giving partitions up, and stop
//	  once the group read EXPECTED records. Prints "assigned M P,P", "record M P O VALUE" and "done M".
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	if len(os.Args) < 3 {
		fail("usage: kgo-client produce|consume|group BOOTSTRAP ...")
	}
	seeds := kgo.SeedBrokers(strings.Split(os.Args[2], ",")...)
	args := os.Args[3:]
	switch os.Args[1] {
	case "produce":
		produce(seeds, args[0], atoi(args[1]), atoi(args[2]))
	case "consume":
		consume(seeds, args[0], atoi(args[1]), atoi(args[2]), int64(atoi(args[3])), atoi(args[4]))
	case "group":
		group(seeds, args[0], args[1], int64(atoi(args[2])), len(args) > 3 && args[3] == "consumer")
	default:
		fail("unknown command " + os.Args[1])
	}
}

func produce(seeds kgo.Opt, topic string, partitions, count int) {
	cl, err := kgo.NewClient(seeds, kgo.RecordPartitioner(kgo.ManualPartitioner()))
	check(err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	records := make([]*kgo.Record, count)
	for i := range records {
		records[i] = &kgo.Record{
			Topic: topic, Partition: int32(i % partitions),
			Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte(fmt.Sprintf("v%d", i)),
			Headers: []kgo.RecordHeader{{Key: "h", Value: []byte(fmt.Sprintf("i%d", i))}},
		}
	}
	results := cl.ProduceSync(ctx, records...)
	check(results.FirstErr())
	type span struct{ first, last, count int64 }
	byPartition := map[int32]*span{}
	for _, r := range results {
		s := byPartition[r.Record.Partition]
		if s == nil {
			s = &span{first: r.Record.Offset, last: r.Record.Offset}
			byPartition[r.Record.Partition] = s
		}
		s.first, s.last, s.count = min(s.first, r.Record.Offset), max(s.last, r.Record.Offset), s.count+1
	}
	for p := int32(0); p < int32(partitions); p++ {
		if s := byPartition[p]; s != nil {
			fmt.Printf("partition %d first %d last %d count %d\n", p, s.first, s.last, s.count)
		}
	}
}

func consume(seeds kgo.Opt, topic string, partitions, seekPartition int, seekOffset int64, expected int) {
	offsets := map[int32]kgo.Offset{}
	for p := 0; p < partitions; p++ {
		offsets[int32(p)] = kgo.NewOffset().AtStart()
	}
	offsets[int32(seekPartition)] = kgo.NewOffset().At(seekOffset)
	// Small fetches, so that the reads cross many responses and batch boundaries.
	cl, err := kgo.NewClient(seeds, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}),
		kgo.FetchMaxBytes(4096), kgo.FetchMaxPartitionBytes(2048))
	check(err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for n := 0; n < expected; {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			fail(fmt.Sprintf("timed out after %d of %d records", n, expected))
		}
		fetches.EachError(func(t string, p int32, err error) { fail(fmt.Sprintf("fetch %s[%d]: %v", t, p, err)) })
		fetches.EachRecord(func(r *kgo.Record) {
			fmt.Printf("record %d %d %s %s\n", r.Partition, r.Offset, r.Key, r.Value)
			n++
		})
	}
}

type members struct {
	mu       sync.Mutex
	assigned map[string]map[int32]bool
}

func (m *members) update(name string, parts []int32, add bool) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.assigned[name] == nil {
		m.assigned[name] = map[int32]bool{}
	}
	for _, p := range parts {
		if add {
			m.assigned[name][p] = true
		} else {
			delete(m.assigned[name], p)
		}
	}
	held := []string{}
	for p := range m.assigned[name] {
		held = append(held, strconv.Itoa(int(p)))
	}
	sort.Strings(held)
	return strings.Join(held, ",")
}

func (m *members) bothHold() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.assigned) == 2 && len(m.assigned["m1"]) > 0 && len(m.assigned["m2"]) > 0
}

func group(seeds kgo.Opt, groupID, topic string, expected int64, nextGen bool) {
	// "consumer": the KIP-848 protocol, the broker assigning (kgo needs the range or sticky balancer for it).
	var protocol []kgo.Opt
	if nextGen {
		protocol = []kgo.Opt{kgo.Balancers(kgo.RangeBalancer()), kgo.ServerSideBalancer()}
	}
	state := &members{assigned: map[string]map[int32]bool{}}
	var consumed atomic.Int64
	var out sync.Mutex
	say := func(format string, a ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Printf(format+"\n", a...)
	}
	var wg sync.WaitGroup
	for _, name := range []string{"m1", "m2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			commit := func(ctx context.Context, cl *kgo.Client) {
				if err := cl.CommitUncommittedOffsets(ctx); err != nil {
					say("commit-error %s %v", name, err)
				}
			}
			cl, err := kgo.NewClient(append([]kgo.Opt{seeds, kgo.ConsumerGroup(groupID), kgo.ConsumeTopics(topic), kgo.ClientID("kafka-direct-kgo-" + name),
				kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
				kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
					say("assigned %s %s", name, state.update(name, a[topic], true))
				}),
				kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, r map[string][]int32) {
					commit(ctx, cl)
					say("assigned %s %s", name, state.update(name, r[topic], false))
				}),
				kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, l map[string][]int32) {
					say("assigned %s %s", name, state.update(name, l[topic], false))
				})}, protocol...)...)
			check(err)
			// Paused from the start: fetching begins once both members hold partitions.
			cl.PauseFetchTopics(topic)
			paused := true
			deadline := time.Now().Add(90 * time.Second)
			for consumed.Load() < expected && time.Now().Before(deadline) {
				if paused && state.bothHold() {
					cl.ResumeFetchTopics(topic)
					paused = false
				}
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				fetches := cl.PollRecords(ctx, 20)
				cancel()
				fetches.EachRecord(func(r *kgo.Record) {
					say("record %s %d %d %s", name, r.Partition, r.Offset, r.Value)
					consumed.Add(1)
				})
				if fetches.NumRecords() > 0 {
					commit(context.Background(), cl)
				}
				cl.AllowRebalance()
			}
			commit(context.Background(), cl)
			cl.Close()
			say("done %s", name)
		}()
	}
	wg.Wait()
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	check(err)
	return n
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "kgo-client:", msg)
	os.Exit(1)
}
