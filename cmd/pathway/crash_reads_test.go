package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every read of a person's history the service answered is in the audit
// trail after the process is killed mid-load and started again: the
// entries the committer had not yet moved from the read log are moved by
// the start.
func TestAnsweredReadsAreAuditedAfterAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it mid-read")
	}
	r := startCrashRun(t)
	bin, db, token, first, l := r.bin, r.db, r.token, r.first, r.load
	pid, ok := l.write("/api/v1/participants", map[string]any{
		"external_ref": "READ-KILL-1", "display_name": "Read Kill", "program_ids": []int64{},
		"consent": map[string]any{"given_on": l.today, "method": "electronic", "scopes": []string{"tracking"}},
	})
	if !ok {
		t.Fatalf("could not create the participant: %v", l.refused)
	}

	var answered atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/participants/%d/engagements", first.URL, pid), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := l.client.Do(req)
				if err != nil {
					continue // cut off by the kill
				}
				_, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err == nil && res.StatusCode == http.StatusOK {
					answered.Add(1)
				}
			}
		}()
	}
	// Writes keep the committer busy meanwhile.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				l.write(fmt.Sprintf("/api/v1/participants/%d/engagements", pid), map[string]any{"occurred_on": l.today, "activity": "community meeting"})
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	first.kill()
	close(stop)
	wg.Wait()
	if answered.Load() < 50 {
		t.Fatalf("only %d reads answered before the kill; the test proves little", answered.Load())
	}

	startChild(t, bin, db) // its start moves what the read log holds
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var audited int64
	if err := conn.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'engagement.list' AND entity_id = ?`, pid).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	// A read cut off after its entry was kept and before its answer left
	// is audited too, so there may be a few more entries than answers.
	if audited < answered.Load() {
		t.Errorf("%d reads answered before the kill, %d audited after the restart", answered.Load(), audited)
	}
	t.Logf("%d reads answered before the kill, %d audited after the restart", answered.Load(), audited)
}
