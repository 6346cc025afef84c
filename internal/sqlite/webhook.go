package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"pathway/internal/pathway"
)

// WebhookService keeps webhook endpoints, their outbox and their attempts.
type WebhookService struct{ db *DB }

// NewWebhookService returns a WebhookService on db.
func NewWebhookService(db *DB) *WebhookService { return &WebhookService{db: db} }

var (
	_ pathway.WebhookService = (*WebhookService)(nil)
	_ pathway.OutboxService  = (*WebhookService)(nil)
)

const webhookColumns = `w.id, w.url, w.events, w.created_at, w.disabled_at, w.disabled_reason`

func scanWebhook(row interface{ Scan(...any) error }) (*pathway.Webhook, error) {
	var w pathway.Webhook
	var events, created string
	var disabled, reason sql.NullString
	if err := row.Scan(&w.ID, &w.URL, &events, &created, &disabled, &reason); err != nil {
		return nil, err
	}
	w.Events = splitList[pathway.ChangeType](events)
	var err error
	if w.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if w.DisabledAt, err = nullTime(disabled); err != nil {
		return nil, err
	}
	if reason.Valid {
		w.DisabledReason = &reason.String
	}
	return &w, nil
}

func findWebhook(ctx context.Context, tx *Tx, id int64) (*pathway.Webhook, error) {
	w, err := scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks w WHERE w.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "webhook.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("find webhook: %w", err)
	}
	return w, nil
}

// CreateWebhook implements pathway.WebhookService. Only changes committed
// after it are delivered to it.
func (s *WebhookService) CreateWebhook(ctx context.Context, a pathway.Actor, w *pathway.Webhook, secret string) error {
	const q = `INSERT INTO webhooks (url, events, secret, created_at, created_by) VALUES (?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, w.URL, joinList(w.Events), secret, formatTime(tx.now), nullID(a.UserID))
		if err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		saved, err := findWebhook(ctx, tx, id)
		if err != nil {
			return err
		}
		*w = *saved
		return tx.audit("webhook.create", "webhook", id)
	})
}

// ListWebhooks implements pathway.WebhookService.
func (s *WebhookService) ListWebhooks(ctx context.Context, a pathway.Actor) ([]pathway.Webhook, error) {
	out := []pathway.Webhook{}
	err := s.db.read(ctx, a, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks w ORDER BY w.id`)
		if err != nil {
			return fmt.Errorf("list webhooks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWebhook(rows)
			if err != nil {
				return fmt.Errorf("list webhooks: %w", err)
			}
			out = append(out, *w)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list webhooks: %w", err)
		}
		return tx.audit("webhook.list", "webhook", 0)
	})
	return out, err
}

// FindWebhook implements pathway.WebhookService.
func (s *WebhookService) FindWebhook(ctx context.Context, a pathway.Actor, id int64) (*pathway.Webhook, error) {
	var w *pathway.Webhook
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		if w, err = findWebhook(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("webhook.read", "webhook", id)
	})
	return w, err
}

// DeleteWebhook implements pathway.WebhookService; its outbox rows and
// attempts go with it.
func (s *WebhookService) DeleteWebhook(ctx context.Context, a pathway.Actor, id int64) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := findWebhook(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return tx.audit("webhook.delete", "webhook", id)
	})
}

// ListDeliveries implements pathway.WebhookService.
func (s *WebhookService) ListDeliveries(ctx context.Context, a pathway.Actor, id int64, cursor int64, limit int) ([]pathway.Delivery, int64, error) {
	const q = `SELECT d.id, d.change_id, d.attempt, d.at, d.status, d.error, d.outcome FROM webhook_deliveries d
WHERE d.endpoint_id = ? AND (? = 0 OR d.id < ?) ORDER BY d.id DESC LIMIT ?`
	out := []pathway.Delivery{}
	var next int64
	err := s.db.read(ctx, a, func(tx *Tx) error {
		if _, err := findWebhook(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, q, id, cursor, cursor, limit+1)
		if err != nil {
			return fmt.Errorf("list deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var d pathway.Delivery
			var at string
			var status sql.NullInt64
			if err := rows.Scan(&d.ID, &d.ChangeID, &d.Attempt, &at, &status, &d.Error, &d.Outcome); err != nil {
				return fmt.Errorf("list deliveries: %w", err)
			}
			if d.At, err = parseTime(at); err != nil {
				return err
			}
			if status.Valid {
				n := int(status.Int64)
				d.Status = &n
			}
			d.MessageID = pathway.MessageID(d.ChangeID)
			out = append(out, d)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list deliveries: %w", err)
		}
		if len(out) > limit {
			out = out[:limit]
			next = out[len(out)-1].ID
		}
		return tx.audit("webhook.deliveries", "webhook", id)
	})
	return out, next, err
}

// DueDeliveries implements pathway.OutboxService. It reads on a reader
// connection, so the deliverer never queues behind writes to find work,
// one endpoint at a time through the outbox's (endpoint_id, change_id)
// index.
func (s *WebhookService) DueDeliveries(ctx context.Context, now time.Time, perEndpoint int) ([]pathway.PendingDelivery, error) {
	const endpoints = `SELECT id FROM webhooks WHERE disabled_at IS NULL ORDER BY id`
	const due = `SELECT o.id, o.endpoint_id, w.url, w.secret, o.attempts, o.created_at, w.failing_since, ` + changeColumns + `
FROM outbox o JOIN webhooks w ON w.id = o.endpoint_id JOIN changes c ON c.id = o.change_id
WHERE o.endpoint_id = ? AND o.next_attempt_at <= ? ORDER BY o.change_id LIMIT ?`
	var out []pathway.PendingDelivery
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		ids, err := queryIDs(ctx, tx, endpoints)
		if err != nil {
			return fmt.Errorf("due deliveries: %w", err)
		}
		for _, id := range ids {
			rows, err := tx.QueryContext(ctx, due, id, formatTime(now), perEndpoint)
			if err != nil {
				return fmt.Errorf("due deliveries: %w", err)
			}
			for rows.Next() {
				var d pathway.PendingDelivery
				var created string
				var failing sql.NullString
				if d.Change, err = scanChange(rows, &d.OutboxID, &d.EndpointID, &d.URL, &d.Secret, &d.Attempts, &created, &failing); err != nil {
					rows.Close()
					return fmt.Errorf("due deliveries: %w", err)
				}
				if d.CreatedAt, err = parseTime(created); err == nil {
					d.FailingSince, err = nullTime(failing)
				}
				if err != nil {
					rows.Close()
					return fmt.Errorf("due deliveries: %w", err)
				}
				out = append(out, d)
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("due deliveries: %w", err)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("due deliveries: %w", err)
			}
		}
		return nil
	})
	return out, err
}

// queryIDs runs q, which selects one integer column, and returns its values.
func queryIDs(ctx context.Context, tx *Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RecordAttempt implements pathway.OutboxService.
func (s *WebhookService) RecordAttempt(ctx context.Context, at pathway.Attempt) error {
	const insert = `INSERT INTO webhook_deliveries (endpoint_id, change_id, attempt, at, status, error, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)`
	d := at.Delivery
	return s.db.commit(ctx, pathway.Actor{Email: "webhook deliverer"}, func(tx *Tx) error {
		// The change may have been erased, or the endpoint deleted, while
		// the request was out: then there is nothing left to record.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE id = ?`, d.OutboxID).Scan(&n); err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		if n == 0 {
			return nil
		}
		var status any
		if at.Status != nil {
			status = *at.Status
		}
		when := formatTime(at.At)
		if _, err := tx.ExecContext(ctx, insert, d.EndpointID, d.Change.ID, d.Attempts+1, when, status, at.Error, at.Outcome); err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		var err error
		switch at.Outcome {
		case pathway.Delivered:
			if _, err = tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, d.OutboxID); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE webhooks SET failing_since = NULL WHERE id = ?`, d.EndpointID)
			}
		case pathway.Retrying:
			if _, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`, formatTime(at.NextAttemptAt), d.OutboxID); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE webhooks SET failing_since = coalesce(failing_since, ?) WHERE id = ?`, when, d.EndpointID)
			}
		case pathway.GaveUp:
			if _, err = tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ?`, d.OutboxID); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE webhooks SET failing_since = coalesce(failing_since, ?) WHERE id = ?`, when, d.EndpointID)
			}
		default:
			return fmt.Errorf("record attempt: unknown outcome %q", at.Outcome)
		}
		if err != nil {
			return fmt.Errorf("record attempt: %w", err)
		}
		if at.DisableReason != "" {
			// A disabled endpoint is sent nothing more, so its queue goes.
			if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET disabled_at = ?, disabled_reason = ? WHERE id = ?`, when, at.DisableReason, d.EndpointID); err != nil {
				return fmt.Errorf("disable webhook: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE endpoint_id = ?`, d.EndpointID); err != nil {
				return fmt.Errorf("disable webhook: %w", err)
			}
			return tx.audit("webhook.disable", "webhook", d.EndpointID)
		}
		return nil
	})
}
