package audit_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// The kill -9 test runs this test binary again as a child process that appends records as fast as it can
// from 8 goroutines and prints the request id of every record whose Append has returned. The parent kills
// it with SIGKILL in the middle of that and then checks the database.
const (
	crashChildEnv = "ZVP_AUDIT_CRASH_CHILD_DB"
	crashRoundEnv = "ZVP_AUDIT_CRASH_ROUND"
)

// crashChild is the child's whole life: it never returns normally, it is killed.
func crashChild(path, round string) {
	st, err := store.Open(context.Background(), path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	log := audit.New(st)
	var mu sync.Mutex
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				r := gp.View(patient, access.Lab, fmt.Sprint(i), audit.Basis{})
				r.Source.RequestID = fmt.Sprintf("%s-w%d-%d", round, w, i)
				if err := log.Append(context.Background(), r); err != nil {
					fmt.Fprintln(os.Stderr, "child:", err)
					os.Exit(3)
				}
				mu.Lock()
				os.Stdout.WriteString(r.Source.RequestID + "\n") // one write per line: an acknowledgement
				mu.Unlock()
			}
		}()
	}
	select {}
}

// TestKillNineLosesNoAcknowledgedRecord kills a writing process three times (SIGKILL, no chance to clean
// up) and checks after each crash that every record whose Append had returned is in the database, that
// the chain verifies, and that the next process continues the same chain. A process crash cannot lose
// committed data even without a sync (it is in the operating system's cache); what this proves is that
// Append acknowledges only committed records and that recovery after a crash keeps the chain whole. The
// power-loss half rests on the synchronous=FULL commit, which a store test checks is in force.
func TestKillNineLosesNoAcknowledgedRecord(t *testing.T) {
	_, path := openStore(t) // creates and migrates the file; the parent's store stays idle meanwhile
	acked := map[string]bool{}
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path, fmt.Sprintf("%s=r%d", crashRoundEnv, round))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		n := 0
		for lines.Scan() {
			acked[lines.Text()] = true
			n++
			if n == 1500 {
				if err := cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
			}
		}
		err = cmd.Wait()
		if n < 1500 {
			t.Fatalf("round %d: the child stopped after %d records by itself: %v\n%s", round, n, err, stderr.String())
		}
		if !strings.Contains(fmt.Sprint(err), "killed") {
			t.Fatalf("round %d: child ended with %v, want killed\n%s", round, err, stderr.String())
		}

		st, err := store.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
		if err != nil {
			st.Close()
			t.Fatalf("round %d: after kill -9 the chain does not verify: %v", round, err)
		}
		present := map[string]bool{}
		for after := int64(0); ; {
			recs, err := st.AccessRecordsAfter(t.Context(), after, 5000)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				break
			}
			for _, r := range recs {
				present[r.RequestID] = true
				after = r.ID
			}
		}
		st.Close()
		missing := 0
		for id := range acked {
			if !present[id] {
				missing++
			}
		}
		if missing > 0 {
			t.Fatalf("round %d: %d acknowledged records are not in the database", round, missing)
		}
		t.Logf("round %d: killed after %d acknowledgements; %d records in the log (%d acknowledged in all)", round, n, res.Records, len(acked))
	}
}
