package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"pathway/internal/pathway"
)

// Timeout bounds one delivery request, connection included.
const Timeout = 10 * time.Second

// Deliverer drains the outbox: it reads due rows, signs and sends each,
// records the attempt and schedules the next one. It owns its goroutine:
// Start begins it, Close stops it through a context and waits. A request
// cut short by Close is not recorded, so its row is sent again later with
// the same webhook-id.
type Deliverer struct {
	Store  pathway.OutboxService
	Logger *slog.Logger
	// AllowPrivate lets deliveries reach private addresses (and plain http).
	AllowPrivate bool
	// Client sends the requests; nil means NewClient(Timeout, AllowPrivate).
	Client *http.Client
	// Now and Rand are the clock and the jitter draw in [0, 1); tests replace them.
	Now  func() time.Time
	Rand func() float64
	// Base and MaxWait shape the backoff; Window is how long a change is
	// retried and an endpoint may fail before it is disabled. Zero means
	// the defaults.
	Base, MaxWait, Window time.Duration
	// Poll is how often it looks for due rows; zero means every second.
	Poll time.Duration

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

// perEndpoint is how many due rows one pass reads for each endpoint.
const perEndpoint = 20

func (d *Deliverer) defaults() {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Client == nil {
		d.Client = NewClient(Timeout, d.AllowPrivate)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rand == nil {
		d.Rand = rand.Float64
	}
	if d.Base <= 0 {
		d.Base = DefaultBase
	}
	if d.MaxWait <= 0 {
		d.MaxWait = DefaultMaxWait
	}
	if d.Window <= 0 {
		d.Window = RetryWindow
	}
	if d.Poll <= 0 {
		d.Poll = time.Second
	}
}

// Start delivers in the background until Close.
func (d *Deliverer) Start() {
	d.defaults()
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan struct{})
	go func() {
		defer close(d.done)
		t := time.NewTicker(d.Poll)
		defer t.Stop()
		for {
			_, more, err := d.run(ctx)
			if err != nil && ctx.Err() == nil {
				d.Logger.Error("webhook delivery", "err", err)
			}
			if more && err == nil {
				continue // an endpoint may have more due now
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Close stops the deliverer and waits for it. It may be called more than
// once, and before Start.
func (d *Deliverer) Close() error {
	d.once.Do(func() {
		if d.cancel != nil {
			d.cancel()
			<-d.done
		}
	})
	return nil
}

// RunOnce sends one batch of due deliveries (up to perEndpoint for each
// endpoint) and returns how many it tried.
// Endpoints are served side by side, each in change order; after a
// failure the rest of that endpoint's batch waits for the next pass, so a
// dead receiver costs one timeout per pass and holds up nobody else.
func (d *Deliverer) RunOnce(ctx context.Context) (int, error) {
	tried, _, err := d.run(ctx)
	return tried, err
}

// run is RunOnce, also saying whether an endpoint delivered a whole batch
// and so may have more due at once.
func (d *Deliverer) run(ctx context.Context) (tried int, more bool, err error) {
	d.defaults()
	due, err := d.Store.DueDeliveries(ctx, d.Now(), perEndpoint)
	if err != nil {
		return 0, false, fmt.Errorf("deliver webhooks: %w", err)
	}
	var order []int64
	byEndpoint := map[int64][]pathway.PendingDelivery{}
	for _, p := range due {
		if byEndpoint[p.EndpointID] == nil {
			order = append(order, p.EndpointID)
		}
		byEndpoint[p.EndpointID] = append(byEndpoint[p.EndpointID], p)
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for _, id := range order {
		wg.Go(func() {
			batch := byEndpoint[id]
			for i, p := range batch {
				at, sent := d.attempt(ctx, p)
				if !sent {
					return
				}
				err := d.Store.RecordAttempt(ctx, at)
				mu.Lock()
				tried++
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
				if at.DisableReason != "" {
					d.Logger.Warn("webhook disabled", "webhook_id", p.EndpointID, "reason", at.DisableReason)
				}
				if at.Outcome != pathway.Delivered {
					return
				}
				if i == perEndpoint-1 {
					mu.Lock()
					more = true
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return tried, false, fmt.Errorf("deliver webhooks: %w", err)
	}
	return tried, more, ctx.Err()
}

// payload is the JSON body of a delivery, in the Standard Webhooks shape.
type payload struct {
	Type      pathway.ChangeType `json:"type"`
	Timestamp time.Time          `json:"timestamp"`
	Data      pathway.Change     `json:"data"`
}

// Payload returns the body delivered for c: built from the feed item when
// it is sent, so it holds exactly what the feed holds.
func Payload(c pathway.Change) ([]byte, error) {
	return json.Marshal(payload{Type: c.Type, Timestamp: c.At, Data: c})
}

// attempt sends p once and decides what follows. sent is false when ctx
// ended first: nothing is recorded and the row stays due.
func (d *Deliverer) attempt(ctx context.Context, p pathway.PendingDelivery) (at pathway.Attempt, sent bool) {
	status, sendErr := d.send(ctx, p)
	if ctx.Err() != nil {
		return at, false
	}
	return Decide(p, d.Now(), status, sendErr, d.Base, d.MaxWait, d.Window, d.Rand()), true
}

// send signs and posts p, returning the receiver's status (0 without one).
func (d *Deliverer) send(ctx context.Context, p pathway.PendingDelivery) (int, error) {
	body, err := Payload(p.Change)
	if err != nil {
		return 0, err
	}
	id := pathway.MessageID(p.Change.ID)
	ts := d.Now().Unix()
	sig, err := Sign(p.Secret, id, ts, body)
	if err != nil {
		return 0, err
	}
	if !d.AllowPrivate && !strings.HasPrefix(p.URL, "https://") {
		return 0, errors.New("the webhook URL is not https, and private webhooks are not allowed")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Pathway-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := d.Client.Do(req)
	if err != nil {
		return 0, err
	}
	// Drain a little so the connection can be reused; never keep the body.
	_, _ = io.CopyN(io.Discard, res.Body, 64<<10)
	res.Body.Close()
	return res.StatusCode, nil
}

// maxErrorText bounds the error text kept per attempt.
const maxErrorText = 300

// Decide is what follows one attempt at p, at now: delivered on a 2xx;
// otherwise retried after Backoff until window has passed since the change,
// then given up; and the endpoint disabled once it has failed for window.
func Decide(p pathway.PendingDelivery, now time.Time, status int, sendErr error, base, maxWait, window time.Duration, r float64) pathway.Attempt {
	at := pathway.Attempt{Delivery: p, At: now}
	if status != 0 {
		at.Status = &status
	}
	if sendErr == nil && status >= 200 && status < 300 {
		at.Outcome = pathway.Delivered
		return at
	}
	if sendErr != nil {
		at.Error = sendErr.Error()
	} else {
		at.Error = fmt.Sprintf("the receiver answered %d", status)
	}
	if len(at.Error) > maxErrorText {
		at.Error = at.Error[:maxErrorText]
	}
	failingSince := now
	if p.FailingSince != nil {
		failingSince = *p.FailingSince
	}
	switch {
	case now.Sub(failingSince) >= window:
		at.Outcome = pathway.GaveUp
		at.DisableReason = fmt.Sprintf("Every delivery failed from %s for more than %s; the last error: %s",
			failingSince.UTC().Format(time.RFC3339), window, at.Error)
	case now.Sub(p.CreatedAt) >= window:
		at.Outcome = pathway.GaveUp
	default:
		at.Outcome = pathway.Retrying
		at.NextAttemptAt = now.Add(Backoff(p.Attempts+1, base, maxWait, r))
	}
	return at
}
