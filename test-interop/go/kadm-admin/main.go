// Our kadm program for test-interop/fake-broker/kadm.test.ts: franz-go's admin client (kadm) creates a topic with a
// config, adds partitions, alters and describes configs, describes a broker's configs and lists topics, printing
// one JSON line per call for the test to check.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
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
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(os.Args[1], ",")...))
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	compact := "compact"
	created, err := adm.CreateTopics(ctx, 2, 1, map[string]*string{"cleanup.policy": &compact}, "k1")
	if err != nil {
		panic(err)
	}
	for _, r := range created.Sorted() {
		emit("create", r.Topic, errName(r.Err), r.NumPartitions, *r.Configs["cleanup.policy"].Value)
	}
	parts, err := adm.CreatePartitions(ctx, 2, "k1")
	if err != nil {
		panic(err)
	}
	for _, r := range parts.Sorted() {
		emit("partitions", r.Topic, errName(r.Err))
	}
	alters, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: kadm.StringPtr("1000")}}, "k1")
	if err != nil {
		panic(err)
	}
	for _, r := range alters {
		emit("alter", r.Name, errName(r.Err))
	}
	described, err := adm.DescribeTopicConfigs(ctx, "k1")
	if err != nil {
		panic(err)
	}
	for _, rc := range described {
		values := map[string]any{}
		for _, c := range rc.Configs {
			if c.Key == "retention.ms" || c.Key == "cleanup.policy" || c.Key == "segment.ms" {
				values[c.Key] = []any{*c.Value, c.Source.String()}
			}
		}
		emit("describe", rc.Name, errName(rc.Err), values)
	}
	brokers, err := adm.DescribeBrokerConfigs(ctx, 1)
	if err != nil {
		panic(err)
	}
	for _, rc := range brokers {
		emit("broker", rc.Name, errName(rc.Err), len(rc.Configs) > 30)
	}
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		panic(err)
	}
	for _, t := range topics.Sorted() {
		emit("topic", t.Topic, len(t.Partitions))
	}
}
