// Command pathway-load runs a named workload against a running Pathway
// server (or, for comparison, PocketBase or the SQLite driver alone) for a
// bounded time, and prints throughput, latency percentiles and errors.
//
//	pathway-load -url http://127.0.0.1:8080 -token T -workload mixed -duration 60s
//	pathway-load -target raw -db /tmp/raw.db -duration 8s
//	pathway-load -target pocketbase -url http://127.0.0.1:8090 -pb-email E -pb-password P -workload writes
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pathway-load:", err)
		}
		os.Exit(2)
	}
}

// config is what the flags set.
type config struct {
	target      string
	url         string
	token       string
	email       string
	password    string
	workload    string
	duration    time.Duration
	warmup      time.Duration
	connections int
	seed        uint64
	db          string
	pbEmail     string
	pbPassword  string
	pid         int
}

func parse(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("pathway-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.target, "target", "pathway", "what to load: pathway, pocketbase, or raw (the SQLite driver alone on a scratch file)")
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "the server's base address (pathway and pocketbase)")
	fs.StringVar(&cfg.token, "token", os.Getenv("PATHWAY_TOKEN"), "a Pathway API token (admin, to reach every route of the mix); default $PATHWAY_TOKEN")
	fs.StringVar(&cfg.email, "email", "", "sign in with this email instead of a token")
	fs.StringVar(&cfg.password, "password", os.Getenv("PATHWAY_PASSWORD"), "the password for -email; default $PATHWAY_PASSWORD")
	fs.StringVar(&cfg.workload, "workload", "mixed", "pathway: "+workloadNames+"; pocketbase: writes, list; raw: writes")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long the measured load runs")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "load run first and not measured (opens connections, warms caches)")
	fs.IntVar(&cfg.connections, "connections", 64, "concurrent connections, each sending one request at a time")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the operations' random choices")
	fs.StringVar(&cfg.db, "db", "", "raw: the scratch SQLite file (created, and removed afterwards)")
	fs.StringVar(&cfg.pbEmail, "pb-email", "", "pocketbase: a superuser's email, to create the open collections")
	fs.StringVar(&cfg.pbPassword, "pb-password", os.Getenv("PB_PASSWORD"), "pocketbase: that superuser's password; default $PB_PASSWORD")
	fs.IntVar(&cfg.pid, "pid", 0, "a server process id on this machine whose memory to report (VmHWM, peak VmRSS)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if cfg.connections < 1 {
		return nil, fmt.Errorf("-connections must be at least 1")
	}
	if cfg.duration <= 0 {
		return nil, fmt.Errorf("-duration must be positive")
	}
	cfg.url = strings.TrimSuffix(cfg.url, "/")
	return cfg, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	w, cleanup, err := prepare(ctx, cfg)
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stdout, "target %s  workload %s  connections %d  duration %s  seed %d  GOMAXPROCS %d  load %s\n",
		cfg.target, cfg.workload, cfg.connections, cfg.duration, cfg.seed, runtime.GOMAXPROCS(0), loadAverage())
	if cfg.warmup > 0 {
		if _, err := drive(ctx, w, cfg.connections, cfg.warmup, cfg.seed+1); err != nil {
			return err
		}
	}
	var mem *memSampler
	if cfg.pid > 0 {
		mem = sampleMemory(cfg.pid)
	}
	res, err := drive(ctx, w, cfg.connections, cfg.duration, cfg.seed)
	if err != nil {
		return err
	}
	res.print(stdout)
	if mem != nil {
		fmt.Fprintln(stdout, mem.stop())
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// prepare connects to the target and returns the workload to run, and
// what to do afterwards.
func prepare(ctx context.Context, cfg *config) (workload, func(), error) {
	nothing := func() {}
	switch cfg.target {
	case "pathway":
		c := newClient(cfg.url, cfg.connections)
		if err := signIn(ctx, c, cfg.token, cfg.email, cfg.password); err != nil {
			return workload{}, nothing, err
		}
		t, err := setupPathway(ctx, c)
		if err != nil {
			return workload{}, nothing, err
		}
		w, err := t.workload(cfg.workload)
		if err != nil {
			return workload{}, nothing, err
		}
		if needsRelease(w) && t.period == "" {
			return workload{}, nothing, fmt.Errorf("workload %s reads a month's release, and none is published: start the server with --demo", cfg.workload)
		}
		return w, nothing, nil
	case "pocketbase":
		t, err := setupPocketBase(ctx, cfg.url, cfg.pbEmail, cfg.pbPassword)
		if err != nil {
			return workload{}, nothing, err
		}
		t.c = newClient(cfg.url, cfg.connections)
		w, err := t.workload(cfg.workload)
		return w, nothing, err
	case "raw":
		removeRaw(cfg.db)
		t, err := openRaw(cfg.db)
		if err != nil {
			return workload{}, nothing, err
		}
		w, err := t.workload(cfg.workload)
		return w, func() { t.close(); removeRaw(cfg.db) }, err
	}
	return workload{}, nothing, fmt.Errorf("unknown -target %q (want pathway, pocketbase or raw)", cfg.target)
}
