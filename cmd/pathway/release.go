package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"time"

	"pathway/internal/app"
	"pathway/internal/release"
	"pathway/internal/sqlite"
)

// releaseSettings are the flags every command that may publish a release
// shares, so that serve, demo and release publish alike.
type releaseSettings struct {
	cfg      app.Config
	timezone string
	envErr   error
}

// addReleaseFlags registers the release flags on fs over the environment's
// defaults; check reads them once fs is parsed.
func addReleaseFlags(fs *flag.FlagSet, env *Env) *releaseSettings {
	rs := &releaseSettings{}
	num := func(name string, def float64) float64 {
		v, err := strconv.ParseFloat(envOr(env, name, strconv.FormatFloat(def, 'g', -1, 64)), 64)
		if err != nil && rs.envErr == nil {
			rs.envErr = fmt.Errorf("%s: %w", name, err)
		}
		return v
	}
	d := app.DefaultConfig
	fs.IntVar(&rs.cfg.MinCellSize, "min-cell-size", int(num("PATHWAY_MIN_CELL_SIZE", float64(d.MinCellSize))),
		"k: a noised count of people below it reads \"fewer than k\" (PATHWAY_MIN_CELL_SIZE)")
	fs.Float64Var(&rs.cfg.ReleaseEpsilon, "release-epsilon", num("PATHWAY_RELEASE_EPSILON", d.ReleaseEpsilon),
		"ε one release spends, split across its tables (PATHWAY_RELEASE_EPSILON)")
	fs.Float64Var(&rs.cfg.PrivacyBudget, "privacy-budget", num("PATHWAY_PRIVACY_BUDGET", d.PrivacyBudget),
		"most ε the releases of one calendar year may spend (PATHWAY_PRIVACY_BUDGET)")
	fs.IntVar(&rs.cfg.ReleaseAfterDays, "release-after-days", int(num("PATHWAY_RELEASE_AFTER_DAYS", float64(d.ReleaseAfterDays))),
		"days after a period ends that its release is published by itself (PATHWAY_RELEASE_AFTER_DAYS)")
	fs.StringVar(&rs.timezone, "timezone", envOr(env, "PATHWAY_TIMEZONE", "Local"), "the organisation's IANA time zone, for what \"today\" is (PATHWAY_TIMEZONE)")
	return rs
}

// check returns the parsed settings and the organisation's time zone.
func (rs *releaseSettings) check() (app.Config, *time.Location, error) {
	c := rs.cfg
	if rs.envErr != nil {
		return c, nil, rs.envErr
	}
	switch {
	case c.MinCellSize < 2:
		return c, nil, fmt.Errorf("--min-cell-size: must be at least 2, got %d", c.MinCellSize)
	case !(c.ReleaseEpsilon > 0) || math.IsInf(c.ReleaseEpsilon, 0):
		return c, nil, fmt.Errorf("--release-epsilon: must be a positive number, got %v", c.ReleaseEpsilon)
	case !(c.PrivacyBudget >= c.ReleaseEpsilon) || math.IsInf(c.PrivacyBudget, 0):
		return c, nil, fmt.Errorf("--privacy-budget: must be at least --release-epsilon (%v), got %v", c.ReleaseEpsilon, c.PrivacyBudget)
	case c.ReleaseAfterDays < 0 || c.ReleaseAfterDays > 366:
		return c, nil, fmt.Errorf("--release-after-days: must be between 0 and 366, got %d", c.ReleaseAfterDays)
	}
	loc, err := time.LoadLocation(rs.timezone)
	if err != nil {
		return c, nil, fmt.Errorf("--timezone: %w", err)
	}
	return c, loc, nil
}

// open checks the settings and opens the database at path in the
// organisation's time zone.
func (rs *releaseSettings) open(path string) (*sqlite.DB, app.Config, error) {
	cfg, loc, err := rs.check()
	if err != nil {
		return nil, cfg, err
	}
	db, err := openDB(path)
	if err != nil {
		return nil, cfg, err
	}
	db.Location = loc
	return db, cfg, nil
}

// releaseCmd publishes the release of one closed period, for an admin who
// wants it before the schedule or is backfilling history.
func releaseCmd(ctx context.Context, args []string, env *Env) error {
	fs := newFlags("release", env)
	path := fs.String("db", envOr(env, "PATHWAY_DB", "pathway.db"), "SQLite database file (PATHWAY_DB)")
	period := fs.String("period", "", "the closed period to publish: a month (2026-10), a quarter (2026-Q3) or a year (2025)")
	rs := addReleaseFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("release: unexpected arguments %q", fs.Args())
	}
	if *period == "" {
		return fmt.Errorf("release: say which period with --period, such as --period 2026-10")
	}
	db, cfg, err := rs.open(*path)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	r, err := app.NewReleases(db, cfg).Publish(ctx, cliActor, *period)
	if err != nil {
		return fmt.Errorf("release %s: %s", *period, describe(err))
	}
	fmt.Fprintf(env.Stdout, "Published the release of %s (%s to %s): ε %g in %d tables, in %s.\n",
		r.Period.Label, r.Period.Start, r.Period.End, r.Epsilon, len(r.Tables), time.Since(start).Round(time.Millisecond))
	return nil
}

// publishDue publishes every release that is due, as the schedule would,
// and says how many it published.
func publishDue(ctx context.Context, svc *release.Service, logger *slog.Logger) []string {
	s := &release.Schedule{Service: svc, Logger: logger}
	return s.RunOnce(ctx)
}
