package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pathway/migrations"
)

// syncBuffer is an io.Writer that a running command and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv returns an Env with empty environment variables, so that settings
// of the machine running the tests cannot leak in.
func newEnv(stdin string) (*Env, *syncBuffer, *syncBuffer) {
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	return &Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: stdout,
		Stderr: stderr,
		Getenv: func(string) string { return "" },
	}, stdout, stderr
}

// command runs one pathway command to completion.
func command(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	env, out, errOut := newEnv(stdin)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = run(ctx, args, env)
	return out.String(), errOut.String(), err
}

// mustCommand runs a command and fails the test if it fails.
func mustCommand(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	stdout, stderr, err := command(t, stdin, args...)
	if err != nil {
		t.Fatalf("pathway %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// service is a running "pathway serve", started as main starts it.
type service struct {
	URL    string
	Stdout *syncBuffer
	Stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

var listening = regexp.MustCompile(`Pathway is listening on (http://\S+)`)

// startService starts the service on an ephemeral port over the database at path.
func startService(t *testing.T, path string) *service {
	t.Helper()
	env, stdout, stderr := newEnv("")
	ctx, cancel := context.WithCancel(context.Background())
	s := &service{Stdout: stdout, Stderr: stderr, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", path, "--timezone", "UTC"}, env)
	}()
	t.Cleanup(func() { s.stop(t) })

	deadline := time.After(30 * time.Second)
	for s.URL == "" {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			s.URL = m[1]
			break
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve stopped before listening: %v\nstderr: %s", err, stderr)
		case <-deadline:
			t.Fatalf("serve did not say where it listens within 30s\nstdout: %s\nstderr: %s", stdout, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	return s
}

// stop cancels the service's context and returns what run returned.
func (s *service) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // let a later stop see it too
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return within 20s of its context ending")
		return nil
	}
}

var client = &http.Client{Timeout: 10 * time.Second}

// call sends a JSON request and returns the status and body.
func (s *service) call(t *testing.T, method, path, bearer string, body any, header ...string) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b, res.Header
}

var printedPassword = regexp.MustCompile(`(?m)^\s*password:\s*(\S+)\s*$`)

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	s := startService(t, filepath.Join(t.TempDir(), "pathway.db"))
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body, _ := s.call(t, "GET", path, "", nil); code != http.StatusOK {
			t.Errorf("GET %s: %d %s, want 200", path, code, body)
		}
	}
}

func TestFirstStartPrintsAnAdminPasswordOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pathway.db")
	s := startService(t, path)
	m := printedPassword.FindAllStringSubmatch(s.Stdout.String(), -1)
	if len(m) != 1 {
		t.Fatalf("first start printed %d passwords, want 1; stdout:\n%s", len(m), s.Stdout)
	}
	password := m[0][1]
	if strings.Contains(s.Stderr.String(), password) {
		t.Error("the first admin's password reached the log")
	}

	code, body, header := s.call(t, "POST", "/api/v1/session", "", map[string]string{"email": "admin@pathway.local", "password": password})
	if code != http.StatusCreated {
		t.Fatalf("sign in with the printed password: %d %s, want 201", code, body)
	}
	var me struct {
		User struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		} `json:"user"`
		CSRFToken string `json:"csrf_token"`
	}
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatal(err)
	}
	if me.User.Role != "admin" || me.User.Email != "admin@pathway.local" {
		t.Errorf("signed in as %+v, want the admin", me.User)
	}
	if me.CSRFToken == "" || !strings.Contains(header.Get("Set-Cookie"), "pathway_session=") {
		t.Errorf("sign-in gave no session cookie or CSRF token: %v", header)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("graceful shutdown: run returned %v, want nil", err)
	}

	again := startService(t, path)
	if strings.Contains(again.Stdout.String(), "password") {
		t.Errorf("a second start printed a password:\n%s", again.Stdout)
	}
	if code, body, _ := again.call(t, "POST", "/api/v1/session", "", map[string]string{"email": "admin@pathway.local", "password": password}); code != http.StatusCreated {
		t.Errorf("sign in after a restart: %d %s, want 201", code, body)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	s := startService(t, filepath.Join(t.TempDir(), "pathway.db"))
	if code, _, _ := s.call(t, "GET", "/healthz", "", nil); code != http.StatusOK {
		t.Fatalf("GET /healthz: %d", code)
	}
	if err := s.stop(t); err != nil {
		t.Fatalf("run returned %v after its context ended, want nil", err)
	}
	if _, err := client.Get(s.URL + "/healthz"); err == nil {
		t.Error("the service still answers after shutting down")
	}
	if !strings.Contains(s.Stderr.String(), `"msg":"stopped"`) {
		t.Errorf("the log does not say the service stopped:\n%s", s.Stderr)
	}
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	const password = "a long enough password\n"
	for _, tt := range []struct {
		name    string
		stdin   string
		args    []string
		wantErr string // "" for success
	}{
		{"adds a staff account", password, []string{"--email", "staff@example.org", "--role", "staff", "--password-stdin"}, ""},
		{"adds an admin from a password without a newline", "another long password", []string{"--email", "admin@example.org", "--role", "admin", "--password-stdin"}, ""},
		{"refuses a short password", "short\n", []string{"--email", "short@example.org", "--role", "staff", "--password-stdin"}, "at least 12 characters"},
		{"refuses an unknown role", password, []string{"--email", "boss@example.org", "--role", "boss", "--password-stdin"}, "--role"},
		{"refuses a taken email", password, []string{"--email", "STAFF@example.org", "--role", "coordinator", "--password-stdin"}, "already exists"},
		{"refuses a password given any other way", "", []string{"--email", "argv@example.org", "--role", "staff"}, "--password-stdin"},
		{"refuses a missing email", password, []string{"--role", "staff", "--password-stdin"}, "--email"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"user", "add", "--db", db}, tt.args...)
			_, stderr, err := command(t, tt.stdin, args...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want success; stderr: %s", err, stderr)
				}
				if !strings.HasPrefix(stderr, "added ") {
					t.Errorf("stderr %q does not confirm the account", stderr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}

	// The refused accounts do not exist: only the two added can sign in.
	s := startService(t, db)
	for email, want := range map[string]int{
		"staff@example.org": http.StatusCreated,
		"boss@example.org":  http.StatusUnauthorized,
		"short@example.org": http.StatusUnauthorized,
	} {
		code, body, _ := s.call(t, "POST", "/api/v1/session", "", map[string]string{"email": email, "password": strings.TrimSpace(password)})
		if code != want {
			t.Errorf("sign in as %s: %d %s, want %d", email, code, body, want)
		}
	}
	if strings.Contains(s.Stdout.String(), "password") {
		t.Error("serve printed a first-start password although accounts exist")
	}
}

// execSQL runs statements on the database file at path, as an old version
// of Pathway or an operator might have left it.
func execSQL(t *testing.T, path, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestUserUnlockClearsFailedSignIns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	const password = "a long enough password"
	mustCommand(t, password, "user", "add", "--db", db, "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	execSQL(t, db, `UPDATE users SET failed_logins = 9, locked_until = '2999-01-01T00:00:00Z' WHERE email = 'admin@example.org'`)

	if _, _, err := command(t, "", "user", "unlock", "--db", db, "--email", "nobody@example.org"); err == nil || !strings.Contains(err.Error(), "No account") {
		t.Errorf("unlocking an unknown email: %v, want an error naming no account", err)
	}
	if _, _, err := command(t, "", "user", "unlock", "--db", db); err == nil || !strings.Contains(err.Error(), "--email") {
		t.Errorf("unlocking without --email: %v, want an error naming --email", err)
	}
	mustCommand(t, "", "user", "unlock", "--db", db, "--email", "admin@example.org")

	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var fails, audited int
	var locked sql.NullString
	if err := conn.QueryRow(`SELECT failed_logins, locked_until FROM users WHERE email = 'admin@example.org'`).Scan(&fails, &locked); err != nil {
		t.Fatal(err)
	}
	if fails != 0 || locked.Valid {
		t.Errorf("after unlock failed_logins = %d, locked_until = %v; want 0 and NULL", fails, locked)
	}
	if err := conn.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'user.unlock'`).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d unlock entries in the audit trail, want 1", audited)
	}
}

func TestUserPasswdSetsAPasswordAndEndsSessions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	const old, fresh = "the old long password", "the new long password"
	mustCommand(t, old+"\n", "user", "add", "--db", db, "--email", "staff@example.org", "--role", "staff", "--password-stdin")
	s := startService(t, db)
	signIn := func(password string) (int, http.Header) {
		code, _, h := s.call(t, "POST", "/api/v1/session", "", map[string]string{"email": "staff@example.org", "password": password})
		return code, h
	}
	code, h := signIn(old)
	if code != http.StatusCreated {
		t.Fatalf("sign in with the old password: %d", code)
	}
	cookie := (&http.Response{Header: h}).Cookies()[0]
	me := func() int {
		code, _, _ := s.call(t, "GET", "/api/v1/me", "", nil, "Cookie", cookie.Name+"="+cookie.Value)
		return code
	}
	if got := me(); got != http.StatusOK {
		t.Fatalf("the session reads /me: %d", got)
	}

	for _, tt := range []struct {
		name, stdin string
		args        []string
		wantErr     string
	}{
		{"refuses a short password", "short\n", []string{"--email", "staff@example.org", "--password-stdin"}, "at least 12 characters"},
		{"refuses a password given any other way", "", []string{"--email", "staff@example.org"}, "--password-stdin"},
		{"refuses an unknown email", fresh, []string{"--email", "nobody@example.org", "--password-stdin"}, "No such account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := command(t, tt.stdin, append([]string{"user", "passwd", "--db", db}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error mentioning %q", err, tt.wantErr)
			}
		})
	}
	if got := me(); got != http.StatusOK {
		t.Fatalf("a refused change ended the session: /me %d", got)
	}

	mustCommand(t, fresh+"\n", "user", "passwd", "--db", db, "--email", "staff@example.org", "--password-stdin")
	if got := me(); got != http.StatusUnauthorized {
		t.Errorf("the session from before the change reads /me: %d, want 401", got)
	}
	if code, _ := signIn(old); code != http.StatusUnauthorized {
		t.Errorf("the old password signs in: %d, want 401", code)
	}
	if code, _ := signIn(fresh); code != http.StatusCreated {
		t.Errorf("the new password does not sign in: %d", code)
	}
}

func TestTokenIssuePrintsOneWorkingToken(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	mustCommand(t, "a long enough password\n", "user", "add", "--db", db, "--email", "sync@example.org", "--role", "staff", "--password-stdin")
	s := startService(t, db)

	// Issued while the service runs, as an operator would.
	out := mustCommand(t, "", "token", "issue", "--db", db, "--email", "sync@example.org", "--name", "case-management sync")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1 || !strings.HasSuffix(out, "\n") {
		t.Fatalf("token issue printed %q, want exactly one line", out)
	}
	token := lines[0]
	if !strings.HasPrefix(token, "pw_") || strings.ContainsAny(token, " \t") {
		t.Fatalf("token %q does not look like an API token", token)
	}

	code, body, _ := s.call(t, "GET", "/api/v1/me", token, nil)
	if code != http.StatusOK || !strings.Contains(string(body), "sync@example.org") {
		t.Fatalf("GET /api/v1/me with the issued token: %d %s, want 200 as sync@example.org", code, body)
	}
	if code, _, _ := s.call(t, "GET", "/api/v1/me", token+"x", nil); code != http.StatusUnauthorized {
		t.Errorf("a changed token: %d, want 401", code)
	}

	if _, _, err := command(t, "", "token", "issue", "--db", db, "--email", "nobody@example.org"); err == nil {
		t.Error("token issue for an unknown account succeeded")
	}
	if _, _, err := command(t, "", "token", "issue", "--db", db); err == nil {
		t.Error("token issue without --email succeeded")
	}
}

// schemaVersions returns the migration versions in migrations.FS, in order.
func schemaVersions(t *testing.T) []int {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	var vs []int
	for _, n := range names {
		v, err := strconv.Atoi(strings.SplitN(n, "_", 2)[0])
		if err != nil {
			t.Fatalf("migration %s: %v", n, err)
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	if len(vs) == 0 {
		t.Fatal("no migrations embedded")
	}
	return vs
}

func TestMigrateVersionDownUp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "pathway.db")
	vs := schemaVersions(t)
	latest := vs[len(vs)-1]
	previous := 0
	if len(vs) > 1 {
		previous = vs[len(vs)-2]
	}
	schema := func(v int) string { return fmt.Sprintf("schema version %d\n", v) }

	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"version"}, schema(0)},
		{[]string{"up"}, schema(latest)},
		{[]string{"up"}, schema(latest)}, // nothing to do is success
		{[]string{"version"}, schema(latest)},
		{[]string{"down"}, schema(previous)},
		{[]string{"version"}, schema(previous)},
		{[]string{"up"}, schema(latest)},
	} {
		args := append([]string{"migrate", "--db", db}, step.args...)
		if got := mustCommand(t, "", args...); got != step.want {
			t.Fatalf("pathway %s printed %q, want %q", strings.Join(args, " "), got, step.want)
		}
	}

	if _, _, err := command(t, "", "migrate", "--db", db, "sideways"); err == nil {
		t.Error("migrate sideways succeeded")
	}
	if _, _, err := command(t, "", "migrate", "--db", db); err == nil {
		t.Error("migrate without a direction succeeded")
	}

	// The migrated file serves.
	s := startService(t, db)
	if code, _, _ := s.call(t, "GET", "/readyz", "", nil); code != http.StatusOK {
		t.Errorf("GET /readyz after migrate: %d", code)
	}
}

func TestUnknownCommandIsAnError(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"user"}, {"user", "delete"}, {"token"}, {"serve", "extra"}} {
		stdout, _, err := command(t, "", args...)
		if err == nil {
			t.Errorf("pathway %q succeeded, want an error", args)
		}
		if stdout != "" {
			t.Errorf("pathway %q wrote %q to stdout, want nothing", args, stdout)
		}
	}
	if out := mustCommand(t, "", "help"); !strings.Contains(out, "Usage:") {
		t.Errorf("pathway help printed %q", out)
	}
}

func TestLogsHoldNoParticipantNames(t *testing.T) {
	const (
		name = "Zephyrine Quillfeather-Oduya"
		ref  = "CMS-QX-7731904"
	)
	db := filepath.Join(t.TempDir(), "pathway.db")
	mustCommand(t, "a long enough password\n", "user", "add", "--db", db, "--email", "staff@example.org", "--role", "staff", "--password-stdin")
	token := strings.TrimSpace(mustCommand(t, "", "token", "issue", "--db", db, "--email", "staff@example.org"))
	s := startService(t, db)

	given := time.Now().UTC().AddDate(0, 0, -30).Format("2006-01-02")
	code, body, _ := s.call(t, "POST", "/api/v1/participants", token, map[string]any{
		"external_ref": ref,
		"display_name": name,
		"program_ids":  []int64{},
		"consent":      map[string]any{"given_on": given, "method": "verbal", "scopes": []string{"tracking"}},
	})
	if code != http.StatusCreated {
		t.Fatalf("create participant: %d %s", code, body)
	}
	var p struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{name, ref, "Quillfeather"} {
		code, body, _ := s.call(t, "GET", "/api/v1/participants?q="+url.QueryEscape(q), token, nil)
		if code != http.StatusOK || !strings.Contains(string(body), ref) {
			t.Errorf("search for %q: %d %s, want the participant", q, code, body)
		}
	}
	s.call(t, "GET", fmt.Sprintf("/api/v1/participants/%d", p.ID), token, nil)
	// A bad request that echoes nothing of the person either.
	s.call(t, "POST", "/api/v1/participants", token, map[string]any{"external_ref": ref, "display_name": name})
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	logs := s.Stderr.String()
	if !strings.Contains(logs, `"route":"/api/v1/participants"`) {
		t.Fatalf("the requests were not logged, so this test proves nothing:\n%s", logs)
	}
	for _, secret := range []string{name, ref, "Quillfeather", url.QueryEscape(name), token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}
