package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// pathwayTarget is a running Pathway server and what a load needs from it:
// the participants to read and write, and the newest published month.
type pathwayTarget struct {
	c      *client
	ids    []int64
	period string // newest published month; "" if none
	today  string // the date engagements are logged on
}

// rungs are the ladder's rungs, for listing by rung.
var rungs = []string{"observer", "follower", "member", "contributor", "leader"}

// maxSetupParticipants bounds how many participant ids setup reads.
const maxSetupParticipants = 10000

// signIn makes c send a bearer token, or signs in with email and password
// and sends the session cookie (and its CSRF token on writes).
func signIn(ctx context.Context, c *client, token, email, password string) error {
	if token != "" {
		c.auth = func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
		return nil
	}
	if email == "" || password == "" {
		return fmt.Errorf("give -token, or -email and -password")
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/session", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	defer res.Body.Close()
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("sign in: %s", res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "pathway_session" {
			session = ck
		}
	}
	if session == nil {
		return fmt.Errorf("sign in: no session cookie in the answer")
	}
	c.auth = func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: session.Name, Value: session.Value})
		if r.Method != http.MethodGet {
			r.Header.Set("X-CSRF-Token", me.CSRFToken)
		}
	}
	return nil
}

// setupPathway reads the participants' ids and the newest published month.
func setupPathway(ctx context.Context, c *client) (*pathwayTarget, error) {
	t := &pathwayTarget{c: c, today: time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}
	cursor := ""
	for len(t.ids) < maxSetupParticipants {
		q := url.Values{"limit": {"200"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		if err := c.getJSON(ctx, "/api/v1/participants?"+q.Encode(), &page); err != nil {
			return nil, fmt.Errorf("read participants: %w", err)
		}
		for _, p := range page.Items {
			t.ids = append(t.ids, p.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if len(t.ids) == 0 {
		return nil, errNoData
	}
	var releases struct {
		Items []struct {
			Period string `json:"period"`
			Kind   string `json:"kind"`
		} `json:"items"`
	}
	if err := c.getJSON(ctx, "/api/v1/releases", &releases); err != nil {
		return nil, fmt.Errorf("read releases: %w", err)
	}
	for _, r := range releases.Items {
		if r.Kind == "month" && r.Period > t.period {
			t.period = r.Period
		}
	}
	return t, nil
}

func (t *pathwayTarget) participant(rng *rand.Rand) int64 { return t.ids[rng.IntN(len(t.ids))] }

// The operations of the mix.

func (t *pathwayTarget) list() op {
	return op{name: "list50", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		return t.c.send(ctx, http.MethodGet, "/api/v1/participants?limit=50&rung="+rungs[rng.IntN(len(rungs))], nil)
	}}
}

func (t *pathwayTarget) one() op {
	return op{name: "one", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		return t.c.send(ctx, http.MethodGet, fmt.Sprintf("/api/v1/participants/%d", t.participant(rng)), nil)
	}}
}

// release is what leadership's dashboard reads for a month: the whole
// published release, movement table included.
func (t *pathwayTarget) release() op {
	return op{name: "release", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		return t.c.send(ctx, http.MethodGet, "/api/v1/releases/"+t.period, nil)
	}}
}

func (t *pathwayTarget) suggestions() op {
	return op{name: "suggestions", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		return t.c.send(ctx, http.MethodGet, "/api/v1/suggestions", nil)
	}}
}

func (t *pathwayTarget) write() op {
	return op{name: "write", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		body := fmt.Appendf(nil, `{"occurred_on":%q,"activity":"community meeting","strategy":"organizing","note":"load test"}`, t.today)
		return t.c.send(ctx, http.MethodPost, fmt.Sprintf("/api/v1/participants/%d/engagements", t.participant(rng)), body)
	}}
}

// workloadNames lists the Pathway workloads, for the usage text.
const workloadNames = "writes, mixed, reads, one, list, release, suggestions"

// workload returns the named Pathway workload. mixed is the mix:
// 25 % lists of 50 by rung, 20 % one participant, 10 % a month's release
// (the movement report as leadership reads it), 5 % suggestions and 40 %
// engagements logged; reads is the same without the writes.
func (t *pathwayTarget) workload(name string) (workload, error) {
	with := func(o op, w int) op { o.weight = w; return o }
	switch name {
	case "writes":
		return workload{name, []op{with(t.write(), 1)}}, nil
	case "mixed":
		return workload{name, []op{with(t.list(), 25), with(t.one(), 20), with(t.release(), 10), with(t.suggestions(), 5), with(t.write(), 40)}}, nil
	case "reads":
		return workload{name, []op{with(t.list(), 25), with(t.one(), 20), with(t.release(), 10), with(t.suggestions(), 5)}}, nil
	case "one":
		return workload{name, []op{with(t.one(), 1)}}, nil
	case "list":
		return workload{name, []op{with(t.list(), 1)}}, nil
	case "release":
		return workload{name, []op{with(t.release(), 1)}}, nil
	case "suggestions":
		return workload{name, []op{with(t.suggestions(), 1)}}, nil
	}
	return workload{}, fmt.Errorf("unknown workload %q (want one of %s)", name, workloadNames)
}

// needsRelease reports whether w reads a release, so setup must find one.
func needsRelease(w workload) bool {
	for _, o := range w.ops {
		if o.name == "release" && o.weight > 0 {
			return true
		}
	}
	return false
}
