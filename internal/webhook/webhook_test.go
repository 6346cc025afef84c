package webhook_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"pathway/internal/pathway"
	"pathway/internal/webhook"
)

func TestBackoffDoublesFromTheBaseUpToTheCapWithJitterInTheUpperHalf(t *testing.T) {
	base, ceiling := 30*time.Second, time.Hour
	tests := []struct {
		name     string
		failures int
		r        float64
		want     time.Duration
	}{
		{"after the first failure, no jitter drawn, half the base", 1, 0, 15 * time.Second},
		{"after the first failure, the most jitter, almost the base", 1, 0.999999, 30*time.Second - 15*time.Microsecond},
		{"the second failure doubles it", 2, 0, 30 * time.Second},
		{"the fourth failure is eight times the base", 4, 0.5, 180 * time.Second},
		{"the cap holds one wait to an hour", 8, 0, 30 * time.Minute},
		{"the cap holds for very many failures", 500, 0.999999, time.Hour - 1800*time.Microsecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := webhook.Backoff(tt.failures, base, ceiling, tt.r); got != tt.want {
				t.Errorf("Backoff(%d, r=%v) = %s, want %s", tt.failures, tt.r, got, tt.want)
			}
		})
	}
	t.Run("the waits of a day of failures add up to about a day", func(t *testing.T) {
		var total time.Duration
		n := 0
		for total < webhook.RetryWindow {
			n++
			total += webhook.Backoff(n, webhook.DefaultBase, webhook.DefaultMaxWait, 0.5)
		}
		if n < 20 || n > 60 {
			t.Errorf("%d attempts in the retry window; want a few dozen", n)
		}
	})
}

func TestOnlyPublicAddressesMayReceiveWebhooks(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},        // loopback
		{"127.8.9.10", false},       // loopback, all of 127/8
		{"::1", false},              // loopback
		{"10.1.2.3", false},         // private
		{"172.16.0.1", false},       // private
		{"172.31.255.255", false},   // private
		{"172.32.0.1", true},        // just outside 172.16/12
		{"192.168.1.1", false},      // private
		{"169.254.169.254", false},  // link-local: cloud metadata
		{"fe80::1", false},          // link-local
		{"fc00::1", false},          // unique-local
		{"fd12:3456::1", false},     // unique-local
		{"0.0.0.0", false},          // unspecified
		{"::", false},               // unspecified
		{"0.1.2.3", false},          // "this network"
		{"100.64.0.1", false},       // shared address space
		{"224.0.0.1", false},        // multicast
		{"255.255.255.255", false},  // broadcast
		{"::ffff:127.0.0.1", false}, // loopback written as IPv6
		{"::ffff:10.0.0.1", false},  // private written as IPv6
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := webhook.IsPublic(netip.MustParseAddr(tt.addr)); got != tt.public {
				t.Errorf("IsPublic(%s) = %v, want %v", tt.addr, got, tt.public)
			}
		})
	}
}

// fakeResolver answers from a fixed table.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestWebhookURLsMustBeHTTPSAndPublicUnlessPrivateIsAllowed(t *testing.T) {
	dns := fakeResolver{
		"cms.example.org":      {"93.184.216.34"},
		"inside.example.org":   {"10.0.0.5"},
		"partly.example.org":   {"93.184.216.34", "192.168.0.9"},
		"metadata.example.org": {"169.254.169.254"},
	}
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"a public https host is accepted", "https://cms.example.org/hooks", false, true},
		{"a public address literal is accepted", "https://93.184.216.34/hooks", false, true},
		{"plain http is refused", "http://cms.example.org/hooks", false, false},
		{"a host resolving to a private address is refused", "https://inside.example.org/", false, false},
		{"one private address among public ones is refused", "https://partly.example.org/", false, false},
		{"the metadata address is refused", "https://metadata.example.org/", false, false},
		{"a loopback literal is refused", "https://127.0.0.1:8443/", false, false},
		{"an IPv6 loopback literal is refused", "https://[::1]/", false, false},
		{"an unknown host is refused", "https://nowhere.example.org/", false, false},
		{"credentials in the URL are refused", "https://user:pw@cms.example.org/", false, false},
		{"a relative URL is refused", "/hooks", false, false},
		{"another scheme is refused", "ftp://cms.example.org/", false, false},
		{"with private allowed, loopback http is accepted", "http://127.0.0.1:8080/hooks", true, true},
		{"with private allowed, a private host is accepted", "https://inside.example.org/", true, true},
		{"with private allowed, another scheme is still refused", "ftp://127.0.0.1/", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.CheckURL(context.Background(), tt.url, tt.allowPrivate, dns)
			if (err == nil) != tt.ok {
				t.Errorf("CheckURL(%q, allowPrivate=%v) = %v, want ok %v", tt.url, tt.allowPrivate, err, tt.ok)
			}
		})
	}
}

func TestSignaturesMatchTheStandardWebhooksExample(t *testing.T) {
	// The example from the Standard Webhooks specification's reference libraries.
	got, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if _, err := webhook.Sign("whsec_not base64!", "msg_1", 1, nil); err == nil {
		t.Error("a secret that is not base64 signed anyway")
	}
}

func TestWhatFollowsAnAttempt(t *testing.T) {
	now := time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	tests := []struct {
		name         string
		attempts     int
		created      time.Duration // how long ago the change was committed
		failingSince *time.Time
		status       int
		sendErr      error
		outcome      string
		next         time.Duration // after now, for retrying
		disables     bool
	}{
		{name: "a 2xx is delivered", status: 204, outcome: pathway.Delivered},
		{name: "a first failure waits half the base", status: 500, outcome: pathway.Retrying, next: 30 * time.Second},
		{name: "a third failure waits twice the base", attempts: 2, status: 500, failingSince: ago(time.Minute), outcome: pathway.Retrying, next: 2 * time.Minute},
		{name: "no answer is a failure too", sendErr: errors.New("connection refused"), outcome: pathway.Retrying, next: 30 * time.Second},
		{name: "a redirect is a failure", status: 302, outcome: pathway.Retrying, next: 30 * time.Second},
		{name: "a change failing for a day is given up", attempts: 30, created: 25 * time.Hour, failingSince: ago(time.Hour), status: 400, outcome: pathway.GaveUp},
		{name: "an endpoint failing for a day is disabled", attempts: 30, created: time.Hour, failingSince: ago(24 * time.Hour), status: 503, outcome: pathway.GaveUp, disables: true},
		{name: "an endpoint failing for just under a day is not", attempts: 30, created: time.Hour, failingSince: ago(24*time.Hour - time.Second), status: 503, outcome: pathway.Retrying, next: 30 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pathway.PendingDelivery{Attempts: tt.attempts, CreatedAt: now.Add(-tt.created), FailingSince: tt.failingSince}
			at := webhook.Decide(p, now, tt.status, tt.sendErr, time.Minute, time.Hour, 24*time.Hour, 0)
			if at.Outcome != tt.outcome {
				t.Fatalf("outcome %s, want %s", at.Outcome, tt.outcome)
			}
			if tt.outcome == pathway.Retrying && at.NextAttemptAt.Sub(now) != tt.next {
				t.Errorf("next attempt in %s, want %s", at.NextAttemptAt.Sub(now), tt.next)
			}
			if (at.DisableReason != "") != tt.disables {
				t.Errorf("disable reason %q, want disabled %v", at.DisableReason, tt.disables)
			}
			if tt.outcome != pathway.Delivered && at.Error == "" {
				t.Error("a failure records no error text")
			}
		})
	}
}
