package httpapi

import (
	"cmp"
	"math"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"pathway/internal/pathway"
)

// SignInLimits bounds the work anonymous sign-in attempts can cause. Each
// password check costs about 19 MiB and a core for tens of milliseconds, so
// the number running at once is capped and attempts are rate-limited per
// client, per client and email, and overall. Zero fields take the defaults.
type SignInLimits struct {
	// Checks is how many password checks may run at once; beyond it a
	// sign-in is answered 503 at once. Default GOMAXPROCS less one, so that
	// a core is left for everyone else, at least one and at most two, so
	// that a flood holds its hashing memory under 40 MiB on any machine.
	Checks int
	// PerClient and ClientBurst limit the attempts of one client address.
	PerClient   rate.Limit
	ClientBurst int
	// Global and GlobalBurst limit the attempts of every client together.
	Global      rate.Limit
	GlobalBurst int
	// PerAccount and AccountBurst limit the wrong passwords one client may
	// try for one email; other clients are not affected.
	PerAccount   rate.Limit
	AccountBurst int
}

// The default sign-in limits.
const (
	defaultPerClient   = rate.Limit(0.5) // one attempt every two seconds...
	defaultClientBurst = 20              // ...after twenty at once, for an office behind one address
	defaultGlobal      = rate.Limit(10)
	defaultGlobalBurst = 40
	maxLimiterKeys     = 10000 // per map; idle entries go first
	maxChecks          = 2     // password checks at once, by default
)

// signInGuard holds the semaphore and limiters of POST /session.
type signInGuard struct {
	checks   chan struct{}
	global   *rate.Limiter
	clients  *limiterMap
	accounts *limiterMap
}

// signInState is the guard a Server builds on its first sign-in.
type signInState struct {
	once  sync.Once
	guard *signInGuard
}

// guard returns the sign-in guard, built from s.SignIn on first use.
func (s *Server) guard() *signInGuard {
	s.signIn.once.Do(func() {
		l := s.SignIn
		l.Checks = cmp.Or(l.Checks, min(max(runtime.GOMAXPROCS(0)-1, 1), maxChecks))
		l.PerClient = cmp.Or(l.PerClient, defaultPerClient)
		l.ClientBurst = cmp.Or(l.ClientBurst, defaultClientBurst)
		l.Global = cmp.Or(l.Global, defaultGlobal)
		l.GlobalBurst = cmp.Or(l.GlobalBurst, defaultGlobalBurst)
		l.PerAccount = cmp.Or(l.PerAccount, rate.Every(pathway.WrongPasswordEvery))
		l.AccountBurst = cmp.Or(l.AccountBurst, pathway.MaxWrongPasswords)
		s.signIn.guard = &signInGuard{
			checks:   make(chan struct{}, l.Checks),
			global:   rate.NewLimiter(l.Global, l.GlobalBurst),
			clients:  newLimiterMap(l.PerClient, l.ClientBurst, maxLimiterKeys),
			accounts: newLimiterMap(l.PerAccount, l.AccountBurst, maxLimiterKeys),
		}
	})
	return s.signIn.guard
}

// tooMany answers 429 with Retry-After for a refused attempt, in the words
// of minuteKey when a minute or less is left, else of minutesKey, which is
// given the whole minutes to wait.
func tooMany(c *gin.Context, wait time.Duration, minuteKey, minutesKey string) error {
	setRetryAfter(c, wait)
	if wait <= time.Minute {
		return pathway.Errorf(pathway.ELOCKED, minuteKey)
	}
	return pathway.Errorf(pathway.ELOCKED, minutesKey, int(math.Ceil(wait.Minutes())))
}

// setRetryAfter sets Retry-After to wait in whole seconds, at least one.
func setRetryAfter(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
}

// clientKey is the address a client's budget is kept under: its IPv4
// address, or the /64 network of its IPv6 address, which one household or
// host usually holds whole.
func clientKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Is4() || addr.Is4In6() {
		return ip
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// admit applies the per-client and global rate limits to an attempt from
// client; it returns a 429 problem when either is exhausted.
func (g *signInGuard) admit(c *gin.Context, client string) error {
	now := time.Now()
	if wait, ok := g.clients.take(clientKey(client), now); !ok {
		return tooMany(c, wait, "signin.too_many_minute", "signin.too_many")
	}
	if wait, ok := take(g.global, now); !ok {
		return tooMany(c, wait, "signin.too_many_minute", "signin.too_many")
	}
	return nil
}

// throttle spends one of the attempts client may make for an email (key
// names both), and returns a 429 problem when none is left. A right
// password gives the budget back whole (forget); spending before the check
// keeps attempts running at once from all passing.
func (g *signInGuard) throttle(c *gin.Context, key string) error {
	if wait, ok := g.accounts.take(key, time.Now()); !ok {
		return tooMany(c, wait, "signin.too_many_minute", "signin.too_many")
	}
	return nil
}

// check runs fn, a password check, when one of the check slots is free, and
// answers 503 at once when none is.
func (g *signInGuard) check(c *gin.Context, fn func() error) error {
	select {
	case g.checks <- struct{}{}:
	default:
		setRetryAfter(c, time.Second)
		return pathway.Errorf(pathway.EUNAVAILABLE, "signin.busy")
	}
	defer func() { <-g.checks }()
	return fn()
}

// limiterMap keeps one token bucket per key and forgets a key once its
// bucket is full again, so it stays bounded: a full bucket is the same as a
// fresh one.
type limiterMap struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	max     int
	entries map[string]*limiterEntry
	swept   time.Time
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiterMap(limit rate.Limit, burst, max int) *limiterMap {
	return &limiterMap{limit: limit, burst: burst, max: max, entries: map[string]*limiterEntry{}}
}

// refill is how long an idle bucket takes to fill again.
func (m *limiterMap) refill() time.Duration {
	return time.Duration(float64(m.burst) / float64(m.limit) * float64(time.Second))
}

// get returns key's entry, making room for it when needed. m.mu is held.
func (m *limiterMap) get(key string, now time.Time) *limiterEntry {
	e, ok := m.entries[key]
	if !ok {
		if len(m.entries) >= m.max || now.Sub(m.swept) > m.refill() {
			m.sweep(now)
		}
		e = &limiterEntry{lim: rate.NewLimiter(m.limit, m.burst)}
		m.entries[key] = e
	}
	e.seen = now
	return e
}

// sweep forgets entries idle long enough to have refilled, then, if the map
// is still full, the longest idle ones. m.mu is held.
func (m *limiterMap) sweep(now time.Time) {
	m.swept = now
	idle := m.refill()
	for k, e := range m.entries {
		if now.Sub(e.seen) >= idle {
			delete(m.entries, k)
		}
	}
	for len(m.entries) >= m.max {
		var oldest string
		var at time.Time
		for k, e := range m.entries {
			if oldest == "" || e.seen.Before(at) {
				oldest, at = k, e.seen
			}
		}
		delete(m.entries, oldest)
	}
}

// take spends a token of key's bucket and reports true, or reports false and
// how long until a token is back.
func (m *limiterMap) take(key string, now time.Time) (time.Duration, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return take(m.get(key, now).lim, now)
}

// take spends a token of lim and reports true, or reports false and how long
// until a token is back.
func take(lim *rate.Limiter, now time.Time) (time.Duration, bool) {
	if lim.AllowN(now, 1) {
		return 0, true
	}
	return untilToken(lim, now), false
}

// untilToken is how long until lim holds a whole token.
func untilToken(lim *rate.Limiter, now time.Time) time.Duration {
	return time.Duration((1 - lim.TokensAt(now)) / float64(lim.Limit()) * float64(time.Second))
}

// forget drops key, after a right password.
func (m *limiterMap) forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
}

// len returns the number of keys held, for tests.
func (m *limiterMap) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}
