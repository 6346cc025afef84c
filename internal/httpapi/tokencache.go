package httpapi

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// Token cache. Every API call looked its bearer token up in the database:
// one query, about a seventh of the processor time of logging an
// engagement. The cache keeps a token's account for TokenCacheTTL, so a
// busy integration looks it up about once a second instead. A token
// revoked, or an account disabled or changed, through this server is
// forgotten at once; one revoked any other way (the command line, another
// process on the same file) is refused at most TokenCacheTTL later. A
// token with an expiry (Actor.ExpiresAt) is not cached: the store judges
// expiry by its own clock, and the cache must never outlive it.

// TokenCacheTTL is the longest a token's account is taken from the cache.
const TokenCacheTTL = time.Second

// maxCachedTokens bounds the cache; when full it is emptied.
const maxCachedTokens = 4096

// tokenCache maps a token's hash to the account it stood for and when it
// was looked up. Only accepted tokens without an expiry are kept: any
// other is looked up again every time.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
	now     func() time.Time // the monotonic clock; tests replace it
}

type cachedToken struct {
	actor pathway.Actor
	at    time.Time
}

// actor returns the account of the token whose hash is given, from the
// cache when it was looked up less than TokenCacheTTL ago, else from
// lookup, keeping the answer.
func (tc *tokenCache) actor(ctx context.Context, hash []byte, lookup func(context.Context, []byte) (*pathway.Actor, error)) (*pathway.Actor, error) {
	key := string(hash)
	now := tc.clock()
	tc.mu.Lock()
	e, ok := tc.entries[key]
	tc.mu.Unlock()
	if ok && now.Sub(e.at) < TokenCacheTTL {
		a := e.actor
		a.ProgramIDs = slices.Clone(a.ProgramIDs)
		return &a, nil
	}
	a, err := lookup(ctx, hash)
	if err != nil {
		tc.mu.Lock()
		delete(tc.entries, key)
		tc.mu.Unlock()
		return nil, err
	}
	if a.ExpiresAt != nil {
		// The store decides expiry by its own clock; a token that can
		// expire is looked up every time, so it is never served past it.
		return a, nil
	}
	kept := *a
	kept.ProgramIDs = slices.Clone(a.ProgramIDs)
	tc.mu.Lock()
	if tc.entries == nil || len(tc.entries) >= maxCachedTokens {
		tc.entries = make(map[string]cachedToken)
	}
	tc.entries[key] = cachedToken{actor: kept, at: now}
	tc.mu.Unlock()
	return a, nil
}

// forget empties the cache.
func (tc *tokenCache) forget() {
	tc.mu.Lock()
	tc.entries = nil
	tc.mu.Unlock()
}

func (tc *tokenCache) clock() time.Time {
	if tc.now != nil {
		return tc.now()
	}
	return time.Now()
}

// changesAccess lists the routes whose success can end or narrow what a
// token may do: revoking it, and changing its account (disabled, role,
// caseload, password).
var changesAccess = map[string]bool{
	http.MethodDelete + " /api/v1/tokens/:id": true,
	http.MethodPatch + " /api/v1/users/:id":   true,
}

// forgetTokensOnChange empties the token cache after a request that
// changed access succeeded, so the change holds from the next request.
func (s *Server) forgetTokensOnChange(c *gin.Context) {
	c.Next()
	if c.Writer.Status() < 300 && changesAccess[c.Request.Method+" "+c.FullPath()] {
		s.tokens.forget()
	}
}
