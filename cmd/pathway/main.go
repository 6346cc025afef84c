// Command pathway runs the Pathway service and its administrative tasks.
//
//	pathway serve   [--addr 127.0.0.1:8080] [--db pathway.db] ...
//	pathway release --db F --period P
//	pathway migrate --db F up|down|version
//	pathway user add --db F --email E --role R --password-stdin
//	pathway user unlock --db F --email E
//	pathway user passwd --db F --email E --password-stdin
//	pathway token issue --db F --email E [--name N]
//	pathway backup --db F --to G
//	pathway check --db G
//	pathway import --db F --kind participants|engagements [--dry-run] [--on-error skip] FILE
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"pathway/internal/app"
	"pathway/internal/demo"
	"pathway/internal/httpapi"
	"pathway/internal/pathway"
	"pathway/internal/secret"
	"pathway/internal/sqlite"
	"pathway/internal/words"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := run(ctx, os.Args[1:], env); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pathway:", err)
		}
		os.Exit(2)
	}
}

// Env is the outside world a command sees, so tests can run it in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

const usage = `Pathway follows consenting participants' leadership journeys.

Usage:
  pathway serve   [--addr 127.0.0.1:8080] [--db pathway.db]   run the service
  pathway demo    --db F                                    load a demo organisation into a new database
  pathway release --db F --period P                         publish the release of a closed period
  pathway migrate --db F up|down|version                    manage the schema
  pathway user add --db F --email E --role R --password-stdin
  pathway user unlock --db F --email E                      clear an account's failed sign-ins
  pathway user passwd --db F --email E --password-stdin     set a new password; ends its sessions
  pathway token issue --db F --email E [--name N]           print a new API token
  pathway backup  --db F --to G                             copy a database, even while it is served
  pathway check   --db G                                    verify a database file or backup
  pathway import  --db F --kind participants|engagements [--dry-run] [--on-error skip] FILE
                                                            import a CSV export (FILE - for stdin)

Run "pathway <command> -h" for a command's flags.`

func run(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "serve":
		return serve(ctx, rest, env)
	case cmd == "demo":
		return demoCmd(ctx, rest, env)
	case cmd == "release":
		return releaseCmd(ctx, rest, env)
	case cmd == "import":
		return importCmd(ctx, rest, env)
	case cmd == "migrate":
		return migrateCmd(rest, env)
	case cmd == "user" && len(rest) > 0 && rest[0] == "add":
		return userAdd(ctx, rest[1:], env)
	case cmd == "user" && len(rest) > 0 && rest[0] == "unlock":
		return userUnlock(ctx, rest[1:], env)
	case cmd == "user" && len(rest) > 0 && rest[0] == "passwd":
		return userPasswd(ctx, rest[1:], env)
	case cmd == "token" && len(rest) > 0 && rest[0] == "issue":
		return tokenIssue(ctx, rest[1:], env)
	case cmd == "backup":
		return backupCmd(ctx, rest, env)
	case cmd == "check":
		return checkCmd(ctx, rest, env)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprintln(env.Stdout, usage)
		return nil
	default:
		fmt.Fprintln(env.Stderr, usage)
		return fmt.Errorf("unknown command %q", strings.Join(args, " "))
	}
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(env *Env, name, def string) string {
	if v := env.Getenv(name); v != "" {
		return v
	}
	return def
}

func newFlags(name string, env *Env) *flag.FlagSet {
	fs := flag.NewFlagSet("pathway "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// offline returns the services over db for a command that serves no
// requests, wired as the running service wires them.
func offline(db *sqlite.DB) *httpapi.Server {
	return app.NewServer(db, slog.New(slog.DiscardHandler), app.DefaultConfig)
}

// openDB opens (and migrates) the database at path.
func openDB(path string) (*sqlite.DB, error) {
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		return nil, err
	}
	return db, nil
}

// bootstrapAdmin creates the first admin on an empty database and prints
// its one-time password, so that a newcomer can sign in with no other step.
func bootstrapAdmin(ctx context.Context, users pathway.UserService, email string, out io.Writer) error {
	n, err := users.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := secret.NewPassword()
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	u := &pathway.User{Email: email, Role: pathway.RoleAdmin}
	if err := users.CreateUser(ctx, pathway.Actor{Email: "pathway serve (first start)"}, u, hash); err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	fmt.Fprintf(out, "\nFirst start: created the admin account.\n  email:    %s\n  password: %s\nThis password is shown only once. Sign in and change it.\n\n", email, password)
	return nil
}

func migrateCmd(args []string, env *Env) error {
	fs := newFlags("migrate", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("migrate: say up, down or version")
	}
	db := sqlite.NewDB(*path)
	if err := db.OpenForMigration(); err != nil {
		return err
	}
	defer db.Close()
	switch fs.Arg(0) {
	case "up", "down":
		if err := db.Migrate(fs.Arg(0)); err != nil {
			return err
		}
		fallthrough
	case "version":
		v, dirty, err := db.Version()
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "schema version %d", v)
		if dirty {
			fmt.Fprint(env.Stdout, " (dirty: a migration failed part-way)")
		}
		fmt.Fprintln(env.Stdout)
		return nil
	}
	return fmt.Errorf("migrate: unknown direction %q (want up, down or version)", fs.Arg(0))
}

func demoCmd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("demo", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	rs := addReleaseFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, cfg, err := rs.open(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	srv := app.NewServer(db, slog.New(slog.DiscardHandler), cfg)
	if err := bootstrapAdmin(ctx, srv.Users, envOr(env, "PATHWAY_ADMIN_EMAIL", "admin@pathway.local"), env.Stdout); err != nil {
		return err
	}
	if err := loadDemo(ctx, srv, db, env.Stdout); err != nil {
		return err
	}
	published := publishDue(ctx, app.NewReleases(db, cfg), slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	fmt.Fprintf(env.Stdout, "Published %d releases of the demo's closed months, quarters and years.\n", len(published))
	return nil
}

// loadDemo fills srv's empty database db with the demo organisation and
// prints the demo accounts' shared password once.
func loadDemo(ctx context.Context, srv *httpapi.Server, db *sqlite.DB, out io.Writer) error {
	password := secret.NewPassword()
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	accounts, err := demo.Load(ctx, app.DemoServices(srv), demo.Options{Today: pathway.DateOf(db.Now(), db.Location), Seed: 2026, PasswordHash: hash})
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	fmt.Fprintln(out, "Loaded the demo organisation (everyone in it is invented). Demo accounts:")
	for _, a := range accounts {
		fmt.Fprintf(out, "  %-12s %s\n", a.Role, a.Email)
	}
	fmt.Fprintf(out, "  password for all of them: %s (shown only once)\n\n", password)
	return nil
}

// describe puts a domain error in one line for a person at a terminal.
func describe(err error) string { return words.Describe(err) }

// cliActor is how the audit trail names work done from the command line.
var cliActor = pathway.Actor{Email: "command line", RemoteAddr: "local"}

func userAdd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("user add", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	email := fs.String("email", "", "the account's email")
	roleName := fs.String("role", "", "admin, staff, coordinator or leadership")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	role, err := pathway.ParseRole(*roleName)
	if err != nil {
		return fmt.Errorf("--role: %w (want admin, staff, coordinator or leadership)", err)
	}
	if !strings.Contains(*email, "@") {
		return errors.New("--email: give the account's email address")
	}
	hash, err := readPassword(env, *fromStdin)
	if err != nil {
		return err
	}
	db, err := openDB(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	u := &pathway.User{Email: *email, Role: role}
	if err := offline(db).Users.CreateUser(ctx, cliActor, u, hash); err != nil {
		return fmt.Errorf("add user: %s", describe(err))
	}
	fmt.Fprintf(env.Stderr, "added %s (%s), id %d\n", u.Email, u.Role, u.ID)
	return nil
}

// readPassword reads a password from the first line of standard input and
// returns its hash.
func readPassword(env *Env, fromStdin bool) (string, error) {
	if !fromStdin {
		return "", errors.New("--password-stdin is required: passwords are never taken as arguments")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if len(password) < pathway.MinPasswordLength {
		return "", fmt.Errorf("password: must be at least %d characters", pathway.MinPasswordLength)
	} else if len(password) > pathway.MaxPasswordLength {
		return "", fmt.Errorf("password: must be at most %d characters", pathway.MaxPasswordLength)
	}
	return secret.HashPassword(password)
}

// userUnlock clears an account's failed sign-ins and any lock left on it.
func userUnlock(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("user unlock", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	email := fs.String("email", "", "the account's email")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	db, err := openDB(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := offline(db).Users.Unlock(ctx, cliActor, *email); err != nil {
		return fmt.Errorf("unlock user: %s", describe(err))
	}
	fmt.Fprintf(env.Stderr, "unlocked %s\n", *email)
	return nil
}

// userPasswd sets an account's password and signs out its browsers.
func userPasswd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("user passwd", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	email := fs.String("email", "", "the account's email")
	fromStdin := fs.Bool("password-stdin", false, "read the new password from standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	hash, err := readPassword(env, *fromStdin)
	if err != nil {
		return err
	}
	db, err := openDB(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	users := offline(db).Users
	cred, err := users.CredentialsByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("set password: %s", describe(err))
	}
	if _, err := users.UpdateUser(ctx, cliActor, cred.User.ID, pathway.UserUpdate{PasswordHash: &hash}); err != nil {
		return fmt.Errorf("set password: %s", describe(err))
	}
	fmt.Fprintf(env.Stderr, "set a new password for %s; its sessions have ended\n", cred.User.Email)
	return nil
}

func tokenIssue(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("token issue", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	email := fs.String("email", "", "the account the token acts as")
	name := fs.String("name", "", "what the token is for, e.g. case-management sync")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	db, err := openDB(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	token := secret.NewToken(secret.TokenPrefix)
	if _, err := offline(db).Users.CreateToken(ctx, cliActor, *email, *name, secret.HashToken(token)); err != nil {
		return fmt.Errorf("issue token: %s", describe(err))
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}
