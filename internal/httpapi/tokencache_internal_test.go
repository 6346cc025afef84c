package httpapi

import (
	"context"
	"testing"
	"time"

	"pathway/internal/pathway"
)

// fakeTokens is a token store whose answers a test changes, counting lookups.
type fakeTokens struct {
	revoked bool
	lookups int
}

func (f *fakeTokens) lookup(context.Context, []byte) (*pathway.Actor, error) {
	f.lookups++
	if f.revoked {
		return nil, pathway.Errorf(pathway.EUNAUTHORIZED, "The API token is not valid.")
	}
	return &pathway.Actor{UserID: 7, Email: "sync@example.org", Role: pathway.RoleStaff, ProgramIDs: []int64{3}}, nil
}

func TestATokenRevokedElsewhereIsRefusedOnceTheCacheLifetimeHasPassed(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tc := &tokenCache{now: func() time.Time { return now }}
	store := &fakeTokens{}
	hash := []byte("hash of a token")
	ctx := context.Background()

	if _, err := tc.actor(ctx, hash, store.lookup); err != nil {
		t.Fatal(err)
	}
	store.revoked = true // by the command line, or another process
	now = now.Add(TokenCacheTTL - time.Millisecond)
	if _, err := tc.actor(ctx, hash, store.lookup); err != nil {
		t.Fatalf("within the cache's lifetime: %v, want the cached account", err)
	}
	if store.lookups != 1 {
		t.Errorf("%d lookups within the cache's lifetime, want 1", store.lookups)
	}
	now = now.Add(time.Millisecond)
	if _, err := tc.actor(ctx, hash, store.lookup); pathway.ErrorCode(err) != pathway.EUNAUTHORIZED {
		t.Errorf("after the cache's lifetime: %v, want %s", err, pathway.EUNAUTHORIZED)
	}
	// A refused token is not kept: it is looked up every time.
	store.revoked = false
	if _, err := tc.actor(ctx, hash, store.lookup); err != nil {
		t.Errorf("a token accepted again: %v", err)
	}
	if store.lookups != 3 {
		t.Errorf("%d lookups, want 3", store.lookups)
	}
}

func TestForgettingTheCacheMakesTheNextRequestLookTheTokenUp(t *testing.T) {
	tc := &tokenCache{}
	store := &fakeTokens{}
	hash := []byte("hash")
	ctx := context.Background()
	a, err := tc.actor(ctx, hash, store.lookup)
	if err != nil {
		t.Fatal(err)
	}
	a.ProgramIDs[0] = 99 // a caller's change does not reach the cache
	b, err := tc.actor(ctx, hash, store.lookup)
	if err != nil {
		t.Fatal(err)
	}
	if b.ProgramIDs[0] != 3 {
		t.Errorf("the cached caseload is %v, want [3]", b.ProgramIDs)
	}
	store.revoked = true
	tc.forget()
	if _, err := tc.actor(ctx, hash, store.lookup); pathway.ErrorCode(err) != pathway.EUNAUTHORIZED {
		t.Errorf("after forget: %v, want %s", err, pathway.EUNAUTHORIZED)
	}
}

func TestATokenThatCanExpireIsNeverServedFromTheCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tc := &tokenCache{now: func() time.Time { return now }}
	expires := now.Add(24 * time.Hour)
	expired := false
	lookup := func(context.Context, []byte) (*pathway.Actor, error) {
		if expired {
			return nil, pathway.Errorf(pathway.EUNAUTHORIZED, "The API token has expired.")
		}
		return &pathway.Actor{UserID: 7, Role: pathway.RoleStaff, ExpiresAt: &expires}, nil
	}
	ctx := context.Background()
	if _, err := tc.actor(ctx, []byte("h"), lookup); err != nil {
		t.Fatal(err)
	}
	expired = true // by the store's clock, within the cache's second
	if _, err := tc.actor(ctx, []byte("h"), lookup); pathway.ErrorCode(err) != pathway.EUNAUTHORIZED {
		t.Errorf("once the store finds it expired: %v, want %s", err, pathway.EUNAUTHORIZED)
	}
}
