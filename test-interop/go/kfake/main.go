// Starts franz-go's kfake, an in-process fake Kafka cluster written independently of ours, as a second anchor
// broker for comparisons and benchmarks. Prints the bootstrap list ("host:port,host:port") as its first line, then
// serves until SIGTERM or SIGINT.
//
//	kfake [-brokers N] [-topic NAME:PARTITIONS]... [-auto-create]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

type topics []string

func (t *topics) String() string     { return strings.Join(*t, ",") }
func (t *topics) Set(v string) error { *t = append(*t, v); return nil }

func main() {
	brokers := flag.Int("brokers", 1, "number of brokers")
	autoCreate := flag.Bool("auto-create", false, "create unknown topics on Metadata and Produce")
	var seeds topics
	flag.Var(&seeds, "topic", "NAME:PARTITIONS, a topic to create at start (repeatable)")
	flag.Parse()

	opts := []kfake.Opt{kfake.NumBrokers(*brokers)}
	if *autoCreate {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	for _, s := range seeds {
		name, count, ok := strings.Cut(s, ":")
		n, err := strconv.Atoi(count)
		if !ok || err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "kfake: -topic %q: want NAME:PARTITIONS\n", s)
			os.Exit(2)
		}
		opts = append(opts, kfake.SeedTopics(int32(n), name))
	}
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kfake: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(strings.Join(cluster.ListenAddrs(), ","))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	cluster.Close()
}
