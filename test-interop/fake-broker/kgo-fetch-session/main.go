// kgo-fetch-session: consumes COUNT records from TOPIC with franz-go's kgo (which uses KIP-227 fetch sessions)
// and prints "partition offset value" per record, then exits. Ours, for test-interop/fake-broker/fetch-sessions.test.ts.
//
// usage: kgo-fetch-session BOOTSTRAP TOPIC COUNT
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: kgo-fetch-session BOOTSTRAP TOPIC COUNT")
		os.Exit(2)
	}
	want, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	client, err := kgo.NewClient(
		kgo.SeedBrokers(os.Args[1]),
		kgo.ConsumeTopics(os.Args[2]),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(200*time.Millisecond),
		// Small fetches, so that reading takes several incremental fetches of one session.
		kgo.FetchMaxPartitionBytes(2000),
		kgo.FetchMaxBytes(4000),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got := 0
	for got < want {
		fetches := client.PollFetches(ctx)
		if ctx.Err() != nil {
			fmt.Fprintf(os.Stderr, "timed out after %d of %d records\n", got, want)
			os.Exit(1)
		}
		fetches.EachError(func(t string, p int32, err error) {
			fmt.Fprintf(os.Stderr, "fetch error %s[%d]: %v\n", t, p, err)
		})
		fetches.EachRecord(func(r *kgo.Record) {
			fmt.Printf("%d %d %s\n", r.Partition, r.Offset, r.Value)
			got++
		})
	}
}
