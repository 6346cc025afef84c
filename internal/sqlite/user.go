package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"pathway/internal/pathway"
)

// UserService stores accounts, sessions and API tokens.
type UserService struct{ db *DB }

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ pathway.UserService = (*UserService)(nil)

// CreateUser implements pathway.UserService.
func (s *UserService) CreateUser(ctx context.Context, a pathway.Actor, u *pathway.User, passwordHash string) error {
	const q = `INSERT INTO users (email, role, password_hash, created_at) VALUES (?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, strings.TrimSpace(u.Email), string(u.Role), passwordHash, formatTime(tx.now))
		if isUniqueViolation(err) {
			return pathway.Conflict("email", "an account with this email already exists")
		} else if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := setUserPrograms(ctx, tx, u.ID, u.ProgramIDs); err != nil {
			return err
		}
		u.CreatedAt, u.Language, u.MustChangePassword = tx.now, pathway.English, false
		if u.ProgramIDs == nil {
			u.ProgramIDs = []int64{}
		}
		return tx.audit("user.create", "user", u.ID)
	})
}

// CountUsers implements pathway.UserService.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	})
	return n, err
}

const userColumns = `id, email, role, created_at, disabled_at, language, must_change_password`

func scanUser(row interface{ Scan(...any) error }, u *pathway.User, more ...any) error {
	var role, created, lang string
	var disabled sql.NullString
	if err := row.Scan(append([]any{&u.ID, &u.Email, &role, &created, &disabled, &lang, &u.MustChangePassword}, more...)...); err != nil {
		return err
	}
	u.Role, u.Language = pathway.Role(role), pathway.Language(lang)
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return err
	}
	u.DisabledAt, err = nullTime(disabled)
	return err
}

// findUser loads one account with its caseload.
func findUser(ctx context.Context, tx *Tx, id int64) (*pathway.User, error) {
	var u pathway.User
	err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "No account with id %d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find user: %w", err)
	}
	if u.ProgramIDs, err = userPrograms(ctx, tx, id); err != nil {
		return nil, err
	}
	return &u, nil
}

func userPrograms(ctx context.Context, tx *Tx, userID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT program_id FROM user_programs WHERE user_id = ? ORDER BY program_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("user programs: %w", err)
	}
	return scanIDs(rows)
}

// scanIDs reads a single column of IDs and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func setUserPrograms(ctx context.Context, tx *Tx, userID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_programs WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("clear caseload: %w", err)
	}
	for _, pid := range ids {
		if err := requireProgram(ctx, tx, "program_ids", pid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO user_programs (user_id, program_id) VALUES (?, ?)`, userID, pid); err != nil {
			return fmt.Errorf("set caseload: %w", err)
		}
	}
	return nil
}

// FindUser implements pathway.UserService.
func (s *UserService) FindUser(ctx context.Context, a pathway.Actor, id int64) (*pathway.User, error) {
	var u *pathway.User
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		u, err = findUser(ctx, tx, id)
		return err
	})
	return u, err
}

// ListUsers implements pathway.UserService.
func (s *UserService) ListUsers(ctx context.Context, a pathway.Actor) ([]pathway.User, error) {
	users := []pathway.User{}
	err := s.db.read(ctx, a, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u pathway.User
			if err := scanUser(rows, &u); err != nil {
				return err
			}
			users = append(users, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range users {
			if users[i].ProgramIDs, err = userPrograms(ctx, tx, users[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return users, err
}

// UpdateUser implements pathway.UserService.
func (s *UserService) UpdateUser(ctx context.Context, a pathway.Actor, id int64, upd pathway.UserUpdate) (*pathway.User, error) {
	var u *pathway.User
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := findUser(ctx, tx, id); err != nil {
			return err
		}
		if upd.Role != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(*upd.Role), id); err != nil {
				return fmt.Errorf("update role: %w", err)
			}
		}
		if upd.PasswordHash != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?`, *upd.PasswordHash, id); err != nil {
				return fmt.Errorf("update password: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		if upd.Disabled != nil {
			var at any
			if *upd.Disabled {
				at = formatTime(tx.now)
				if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
					return fmt.Errorf("end sessions: %w", err)
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, at, id); err != nil {
				return fmt.Errorf("update disabled: %w", err)
			}
		}
		if upd.ProgramIDs != nil {
			if err := setUserPrograms(ctx, tx, id, *upd.ProgramIDs); err != nil {
				return err
			}
		}
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		if u.Role == pathway.RoleAdmin && u.DisabledAt != nil || upd.Role != nil && *upd.Role != pathway.RoleAdmin {
			if err := requireAnAdmin(ctx, tx); err != nil {
				return err
			}
		}
		return tx.audit("user.update", "user", id)
	})
	return u, err
}

// ChangeOwnAccount implements pathway.UserService.
func (s *UserService) ChangeOwnAccount(ctx context.Context, a pathway.Actor, ch pathway.AccountChange) (*pathway.User, error) {
	var u *pathway.User
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := findUser(ctx, tx, a.UserID); err != nil {
			return err
		}
		if ch.Language != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET language = ? WHERE id = ?`, string(*ch.Language), a.UserID); err != nil {
				return fmt.Errorf("set language: %w", err)
			}
			if err := tx.audit("user.language", "user", a.UserID); err != nil {
				return err
			}
		}
		if ch.PasswordHash != nil {
			const q = `UPDATE users SET password_hash = ?, must_change_password = 0, failed_logins = 0, locked_until = NULL WHERE id = ?`
			if _, err := tx.ExecContext(ctx, q, *ch.PasswordHash, a.UserID); err != nil {
				return fmt.Errorf("change password: %w", err)
			}
			// Whoever knew the old password is signed out everywhere but here.
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?`, a.UserID, ch.KeepSession); err != nil {
				return fmt.Errorf("end other sessions: %w", err)
			}
			if err := tx.audit("user.password_change", "user", a.UserID); err != nil {
				return err
			}
		}
		var err error
		u, err = findUser(ctx, tx, a.UserID)
		return err
	})
	return u, err
}

// ResetPassword implements pathway.UserService.
func (s *UserService) ResetPassword(ctx context.Context, a pathway.Actor, id int64, passwordHash string) (*pathway.User, error) {
	var u *pathway.User
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := findUser(ctx, tx, id); err != nil {
			return err
		}
		const q = `UPDATE users SET password_hash = ?, must_change_password = 1, failed_logins = 0, locked_until = NULL WHERE id = ?`
		if _, err := tx.ExecContext(ctx, q, passwordHash, id); err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		var err error
		if u, err = findUser(ctx, tx, id); err != nil {
			return err
		}
		return tx.audit("user.password_reset", "user", id)
	})
	return u, err
}

// requireAnAdmin keeps at least one enabled admin, so nobody locks the
// organisation out of its own accounts.
func requireAnAdmin(ctx context.Context, tx *Tx) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL`).Scan(&n); err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if n == 0 {
		return pathway.Errorf(pathway.ECONFLICT, "At least one enabled admin account must remain.")
	}
	return nil
}

// CredentialsByEmail implements pathway.UserService.
func (s *UserService) CredentialsByEmail(ctx context.Context, email string) (*pathway.Credentials, error) {
	const q = `SELECT ` + userColumns + `, password_hash FROM users WHERE email = ?`
	var c pathway.Credentials
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		err := scanUser(tx.QueryRowContext(ctx, q, strings.TrimSpace(email)), &c.User, &c.PasswordHash)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "No such account.")
		} else if err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// RecordLogin implements pathway.UserService.
// A failed attempt on an unknown email is audited too, without the email
// (it may be a mistyped password), so that both cost one write.
func (s *UserService) RecordLogin(ctx context.Context, userID int64, ok bool, remoteAddr string, sess *pathway.Session, sessionHash []byte) error {
	a := pathway.Actor{UserID: userID, RemoteAddr: remoteAddr}
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if !ok && userID == 0 {
			return tx.audit("session.login_failed", "user", 0)
		}
		if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&tx.actor.Email); err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		if !ok {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?`, userID); err != nil {
				return fmt.Errorf("record failed login: %w", err)
			}
			return tx.audit("session.login_failed", "user", userID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, userID); err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		const q = `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`
		if _, err := tx.ExecContext(ctx, q, sessionHash, userID, sess.CSRFToken, formatTime(tx.now), formatTime(sess.ExpiresAt)); err != nil {
			return fmt.Errorf("open session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, formatTime(tx.now)); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		return tx.audit("session.login", "user", userID)
	})
}

// Unlock implements pathway.UserService.
func (s *UserService) Unlock(ctx context.Context, a pathway.Actor, email string) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE email = ? RETURNING id`, strings.TrimSpace(email)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.ENOTFOUND, "No account has the email %q.", email)
		} else if err != nil {
			return fmt.Errorf("unlock user: %w", err)
		}
		return tx.audit("user.unlock", "user", id)
	})
}

// actorByUser loads the actor for an enabled account.
func actorByUser(ctx context.Context, tx *Tx, userID int64) (*pathway.Actor, error) {
	u, err := findUser(ctx, tx, userID)
	if err != nil || u.DisabledAt != nil {
		return nil, pathway.Errorf(pathway.EUNAUTHORIZED, "Please sign in again.")
	}
	return &pathway.Actor{UserID: u.ID, Email: u.Email, Role: u.Role, ProgramIDs: u.ProgramIDs, MustChangePassword: u.MustChangePassword}, nil
}

// ActorBySession implements pathway.UserService.
func (s *UserService) ActorBySession(ctx context.Context, sessionHash []byte) (*pathway.Actor, string, error) {
	var a *pathway.Actor
	var csrf string
	err := s.db.read(ctx, pathway.Actor{}, func(tx *Tx) error {
		var userID int64
		var expires string
		err := tx.QueryRowContext(ctx, `SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`, sessionHash, formatTime(tx.now)).Scan(&userID, &csrf, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Errorf(pathway.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
		} else if err != nil {
			return fmt.Errorf("find session: %w", err)
		}
		if a, err = actorByUser(ctx, tx, userID); err != nil {
			return err
		}
		at, err := parseTime(expires)
		a.ExpiresAt = &at
		return err
	})
	return a, csrf, err
}

// DeleteSession implements pathway.UserService.
func (s *UserService) DeleteSession(ctx context.Context, a pathway.Actor, sessionHash []byte) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, sessionHash); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		return tx.audit("session.logout", "user", a.UserID)
	})
}

// ActorByToken implements pathway.UserService.
func (s *UserService) ActorByToken(ctx context.Context, tokenHash []byte) (*pathway.Actor, error) {
	// Every API call comes here: the token, its account and the caseload
	// come back in one statement, with no transaction around it. An
	// expired token is refused here, like a revoked one, and the expiry
	// travels with the actor so that anything caching it can honour it.
	const q = `SELECT t.id, t.last_used_at, t.expires_at, u.id, u.email, u.role, u.disabled_at IS NOT NULL,
    (SELECT group_concat(program_id) FROM (SELECT program_id FROM user_programs WHERE user_id = u.id ORDER BY program_id))
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`
	var tokenID int64
	var lastUsed, expires, programs sql.NullString
	var role string
	var disabled bool
	a := &pathway.Actor{ProgramIDs: []int64{}}
	now := s.db.Now().UTC()
	err := s.db.reader.QueryRowContext(ctx, q, tokenHash, formatTime(now)).Scan(&tokenID, &lastUsed, &expires, &a.UserID, &a.Email, &role, &disabled, &programs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.EUNAUTHORIZED, "The API token is not valid.")
	} else if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	if disabled {
		return nil, pathway.Errorf(pathway.EUNAUTHORIZED, "Please sign in again.")
	}
	a.Role = pathway.Role(role)
	if a.ExpiresAt, err = nullTime(expires); err != nil {
		return nil, fmt.Errorf("read token expiry: %w", err)
	}
	if programs.String != "" {
		for _, f := range strings.Split(programs.String, ",") {
			id, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("read caseload: %w", err)
			}
			a.ProgramIDs = append(a.ProgramIDs, id)
		}
	}
	// Note use at most once a minute, so that busy integrations do not pay a
	// write on every request. Best effort: a database that cannot take
	// writes still serves reads to a valid token.
	if !lastUsed.Valid || lastUsed.String < formatTime(now.Add(-time.Minute)) {
		const q = `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`
		if _, err := s.db.writer.ExecContext(ctx, q, formatTime(now), tokenID); err != nil {
			err = mapError(err)
			s.db.noteWrite(err)
			s.db.Logger.Warn("could not note a token's use", "token_id", tokenID, "error", err.Error())
		}
	}
	return a, nil
}

const tokenColumns = `t.id, t.user_id, u.email, t.name, t.created_at, t.last_used_at, t.revoked_at, t.expires_at`

func scanToken(row interface{ Scan(...any) error }) (*pathway.APIToken, error) {
	var t pathway.APIToken
	var created string
	var used, revoked, expires sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Email, &t.Name, &created, &used, &revoked, &expires); err != nil {
		return nil, err
	}
	var err error
	if t.ExpiresAt, err = nullTime(expires); err != nil {
		return nil, err
	}
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if t.LastUsedAt, err = nullTime(used); err != nil {
		return nil, err
	}
	t.RevokedAt, err = nullTime(revoked)
	return &t, err
}

// CreateToken implements pathway.UserService.
func (s *UserService) CreateToken(ctx context.Context, a pathway.Actor, email, name string, tokenHash []byte) (*pathway.APIToken, error) {
	return s.CreateTokenUntil(ctx, a, email, name, nil, tokenHash)
}

// CreateTokenUntil implements pathway.UserService.
func (s *UserService) CreateTokenUntil(ctx context.Context, a pathway.Actor, email, name string, expiresAt *time.Time, tokenHash []byte) (*pathway.APIToken, error) {
	var expires any
	if expiresAt != nil {
		expires = formatTime(expiresAt.UTC().Truncate(timePrecision))
	}
	var t *pathway.APIToken
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = ?`, strings.TrimSpace(email)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return pathway.Invalid("email", "no account has this email")
		} else if err != nil {
			return fmt.Errorf("find token owner: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, userID, tokenHash, name, formatTime(tx.now), expires)
		if err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id)); err != nil {
			return fmt.Errorf("read token: %w", err)
		}
		return tx.audit("token.create", "api_token", id)
	})
	return t, err
}

// ListTokens implements pathway.UserService.
func (s *UserService) ListTokens(ctx context.Context, a pathway.Actor) ([]pathway.APIToken, error) {
	tokens := []pathway.APIToken{}
	err := s.db.read(ctx, a, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id`)
		if err != nil {
			return fmt.Errorf("list tokens: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			tokens = append(tokens, *t)
		}
		return rows.Err()
	})
	return tokens, err
}

// RevokeToken implements pathway.UserService.
func (s *UserService) RevokeToken(ctx context.Context, a pathway.Actor, id int64) error {
	return s.db.commit(ctx, a, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, formatTime(tx.now), id)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pathway.Errorf(pathway.ENOTFOUND, "No API token with id %d.", id)
		}
		return tx.audit("token.revoke", "api_token", id)
	})
}
