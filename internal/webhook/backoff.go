package webhook

import "time"

// Retry policy defaults.
const (
	// DefaultBase is the wait after the first failure; each failure doubles it.
	DefaultBase = 30 * time.Second
	// DefaultMaxWait caps one wait.
	DefaultMaxWait = time.Hour
	// RetryWindow is how long a change is retried, and how long an endpoint
	// may keep failing before it is disabled.
	RetryWindow = 24 * time.Hour
)

// Backoff returns how long to wait after the given number of failed
// attempts (1 or more): base doubled per earlier failure, capped at max,
// then jittered into its upper half by r, a draw from [0, 1). Jitter keeps
// many queued messages from retrying in lockstep after an outage.
func Backoff(failures int, base, max time.Duration, r float64) time.Duration {
	d := base
	for i := 1; i < failures && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return half + time.Duration(r*float64(half))
}
