package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
)

// pocketbaseTarget is a PocketBase server with two open collections (no
// rules, so no authentication on the load): people to list, like
// Pathway's participants with a rung, and engagements to create.
type pocketbaseTarget struct {
	c *client
}

// pbPeople is how many people setup seeds, as many as the demo organisation.
const pbPeople = 300

// setupPocketBase signs in as a superuser and, unless they exist, creates
// the two open collections and seeds the people. The load itself sends no
// credentials: the collections' rules are open.
func setupPocketBase(ctx context.Context, base, email, password string) (*pocketbaseTarget, error) {
	admin := newClient(base, 4)
	var auth struct {
		Token string `json:"token"`
	}
	if err := admin.doJSON(ctx, http.MethodPost, "/api/collections/_superusers/auth-with-password",
		map[string]string{"identity": email, "password": password}, &auth); err != nil {
		return nil, fmt.Errorf("sign in to PocketBase (create the superuser with: base superuser upsert EMAIL PASSWORD): %w", err)
	}
	admin.auth = func(r *http.Request) { r.Header.Set("Authorization", auth.Token) }
	text := func(name string) map[string]any { return map[string]any{"name": name, "type": "text"} }
	collections := []map[string]any{
		{
			"name": "people", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
			"fields":  []any{text("external_ref"), text("display_name"), text("rung")},
			"indexes": []string{"CREATE INDEX idx_people_rung ON people (rung)"},
		},
		{
			"name": "engagements", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
			"fields": []any{map[string]any{"name": "participant", "type": "number"}, text("occurred_on"), text("activity"), text("strategy"), text("note")},
		},
	}
	for _, col := range collections {
		if err := admin.getJSON(ctx, "/api/collections/"+col["name"].(string), nil); err == nil {
			continue
		}
		if err := admin.doJSON(ctx, http.MethodPost, "/api/collections", col, nil); err != nil {
			return nil, fmt.Errorf("create collection %s: %w", col["name"], err)
		}
		if col["name"] == "people" {
			for i := range pbPeople {
				p := map[string]any{"external_ref": fmt.Sprintf("CMS-%d", i), "display_name": fmt.Sprintf("Person %d", i), "rung": rungs[i%len(rungs)]}
				if err := admin.doJSON(ctx, http.MethodPost, "/api/collections/people/records", p, nil); err != nil {
					return nil, fmt.Errorf("seed people: %w", err)
				}
			}
		}
	}
	return &pocketbaseTarget{}, nil
}

func (t *pocketbaseTarget) write() op {
	return op{name: "write", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		body := fmt.Appendf(nil, `{"participant":%d,"occurred_on":"2026-11-30","activity":"community meeting","strategy":"organizing","note":"load test"}`, 1+rng.IntN(pbPeople))
		return t.c.send(ctx, http.MethodPost, "/api/collections/engagements/records", body)
	}}
}

// list asks for 50 people on one rung, without the total count Pathway
// does not compute either.
func (t *pocketbaseTarget) list() op {
	return op{name: "list50", do: func(ctx context.Context, rng *rand.Rand) (outcome, int) {
		q := url.Values{"perPage": {"50"}, "skipTotal": {"1"}, "filter": {fmt.Sprintf("rung='%s'", rungs[rng.IntN(len(rungs))])}}
		return t.c.send(ctx, http.MethodGet, "/api/collections/people/records?"+q.Encode(), nil)
	}}
}

// workload returns the named PocketBase workload: writes, or list.
func (t *pocketbaseTarget) workload(name string) (workload, error) {
	switch name {
	case "writes":
		o := t.write()
		o.weight = 1
		return workload{name, []op{o}}, nil
	case "list":
		o := t.list()
		o.weight = 1
		return workload{name, []op{o}}, nil
	}
	return workload{}, fmt.Errorf("unknown PocketBase workload %q (want writes or list)", name)
}
