package httpapi

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestLimiterMapStaysBoundedAndForgetsOnlyRefilledKeys(t *testing.T) {
	m := newLimiterMap(rate.Every(time.Second), 2, 3) // refills in two seconds
	t0 := time.Unix(1_800_000_000, 0)
	for i := range 10 {
		m.take(fmt.Sprintf("client %d", i), t0)
		if n := m.len(); n > 3 {
			t.Fatalf("after %d clients the map holds %d keys, want at most 3", i+1, n)
		}
	}

	m = newLimiterMap(rate.Every(time.Second), 2, 100)
	m.take("busy", t0)
	m.take("busy", t0)
	if _, ok := m.take("busy", t0); ok {
		t.Fatal("a third attempt within the burst of two was allowed")
	}
	m.take("idle", t0)
	// Three seconds on, "idle" has refilled and goes; "busy" was seen at t0
	// too, so it has refilled as well: both go, and a fresh key is none the
	// worse for it.
	m.take("new", t0.Add(3*time.Second))
	if n := m.len(); n != 1 {
		t.Errorf("after a sweep the map holds %d keys, want only the new one", n)
	}
	// A key still in debt is kept.
	m.take("debtor", t0.Add(3*time.Second))
	m.take("debtor", t0.Add(3*time.Second))
	m.take("later", t0.Add(3500*time.Millisecond))
	if _, ok := m.take("debtor", t0.Add(3500*time.Millisecond)); ok {
		t.Error("the debtor's bucket was forgotten or refilled before its time")
	}
}

func TestClientBudgetsAreKeptPerIPv4AddressAndPerIPv6Network(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"198.51.100.7", "198.51.100.7", true},
		{"198.51.100.7", "198.51.100.8", false},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"::ffff:198.51.100.7", "::ffff:198.51.100.8", false},
	}
	for _, tt := range tests {
		if got := clientKey(tt.a) == clientKey(tt.b); got != tt.same {
			t.Errorf("%s and %s share a budget: %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
