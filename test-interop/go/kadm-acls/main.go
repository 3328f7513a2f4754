// Our kadm ACL program for test-interop/fake-broker/kadm-acls.test.ts: franz-go's admin client (kadm) logs in with
// SASL PLAIN as the given user, creates ACLs (LITERAL and PREFIXED), describes them with ANY and MATCH filters,
// deletes some and describes again, printing one JSON line per call or ACL, sorted, for the test to check.
//   kadm-acls BOOTSTRAP USER PASSWORD
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
	"github.com/twmb/franz-go/pkg/sasl/plain"
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

func acl(typ fmt.Stringer, pattern fmt.Stringer, name, perm, principal, host, op string) string {
	return fmt.Sprintf("%s:%s:%s %s %s@%s %s", typ, pattern, name, perm, principal, host, op)
}

// anyFilter matches every principal and host, allowed or denied, with any operation.
func anyFilter() *kadm.ACLBuilder {
	return kadm.NewACLs().Allow().AllowHosts().Deny().DenyHosts().Operations(kadm.OpAny)
}

func describe(ctx context.Context, adm *kadm.Client, label string, b *kadm.ACLBuilder) {
	results, err := adm.DescribeACLs(ctx, b)
	if err != nil {
		emit(label, "error", err.Error())
		return
	}
	var out []string
	for _, r := range results {
		if r.Err != nil {
			out = append(out, "error "+r.Err.Error())
		}
		for _, d := range r.Described {
			out = append(out, acl(d.Type, d.Pattern, d.Name, d.Permission.String(), d.Principal, d.Host, d.Operation.String()))
		}
	}
	sort.Strings(out)
	emit(label, out)
}

func main() {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(os.Args[1], ",")...), kgo.SASL(plain.Auth{User: os.Args[2], Pass: os.Args[3]}.AsMechanism()))
	if err != nil {
		panic(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, b := range []*kadm.ACLBuilder{
		kadm.NewACLs().Allow("User:alice").Topics("orders").Groups("g").Operations(kadm.OpRead, kadm.OpDescribe),
		kadm.NewACLs().Deny("User:bob").Topics("ord").Operations(kadm.OpWrite).ResourcePatternType(kadm.ACLPatternPrefixed),
	} {
		created, err := adm.CreateACLs(ctx, b)
		if err != nil {
			emit("create", "error", err.Error())
			continue
		}
		var out []string
		for _, r := range created {
			out = append(out, acl(r.Type, r.Pattern, r.Name, r.Permission.String(), r.Principal, r.Host, r.Operation.String())+fmt.Sprintf(" err=%v", errName(r.Err)))
		}
		sort.Strings(out)
		emit("create", out)
	}
	describe(ctx, adm, "describeAll", anyFilter().AnyResource().ResourcePatternType(kadm.ACLPatternAny))
	describe(ctx, adm, "describeMatch", anyFilter().Topics("orders").ResourcePatternType(kadm.ACLPatternMatch))
	deleted, err := adm.DeleteACLs(ctx, kadm.NewACLs().AnyResource().Allow("User:alice").AllowHosts().Operations(kadm.OpDescribe).ResourcePatternType(kadm.ACLPatternAny))
	if err != nil {
		emit("delete", "error", err.Error())
	} else {
		var out []string
		for _, r := range deleted {
			if r.Err != nil {
				out = append(out, "error "+r.Err.Error())
			}
			for _, d := range r.Deleted {
				out = append(out, acl(d.Type, d.Pattern, d.Name, d.Permission.String(), d.Principal, d.Host, d.Operation.String()))
			}
		}
		sort.Strings(out)
		emit("delete", out)
	}
	describe(ctx, adm, "describeAfter", anyFilter().AnyResource().ResourcePatternType(kadm.ACLPatternAny))
}
