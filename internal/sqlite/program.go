package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"pathway/internal/pathway"
)

// ProgramService stores the programme inventory.
type ProgramService struct{ db *DB }

// NewProgramService returns a ProgramService on db.
func NewProgramService(db *DB) *ProgramService { return &ProgramService{db: db} }

var _ pathway.ProgramService = (*ProgramService)(nil)

const programColumns = `id, name, description, beneficiaries, estimated_served, rung, strategies, created_at, updated_at`

func scanProgram(row interface{ Scan(...any) error }) (*pathway.Program, error) {
	var p pathway.Program
	var served sql.NullInt64
	var strategies, created, updated string
	if err := row.Scan(&p.ID, &p.Name, &p.Description, &p.Beneficiaries, &served, &p.Rung, &strategies, &created, &updated); err != nil {
		return nil, err
	}
	if served.Valid {
		n := int(served.Int64)
		p.EstimatedServed = &n
	}
	p.Strategies = splitList[pathway.Strategy](strategies)
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	p.UpdatedAt, err = parseTime(updated)
	return &p, err
}

func findProgram(ctx context.Context, tx *Tx, id int64) (*pathway.Program, error) {
	p, err := scanProgram(tx.QueryRowContext(ctx, `SELECT `+programColumns+` FROM programs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pathway.Errorf(pathway.ENOTFOUND, "program.not_found")
	} else if err != nil {
		return nil, fmt.Errorf("find program: %w", err)
	}
	return p, nil
}

// requireProgram checks that a program a request names exists.
func requireProgram(ctx context.Context, tx *Tx, field string, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM programs WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return pathway.Invalid(field, "program.unknown")
	}
	return err
}

func listPrograms(ctx context.Context, tx *Tx) ([]pathway.Program, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+programColumns+` FROM programs ORDER BY rung, name`)
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	defer rows.Close()
	out := []pathway.Program{}
	for rows.Next() {
		p, err := scanProgram(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// CreateProgram implements pathway.ProgramService.
func (s *ProgramService) CreateProgram(ctx context.Context, a pathway.Actor, p *pathway.Program) error {
	const q = `INSERT INTO programs (name, description, beneficiaries, estimated_served, rung, strategies, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	return s.db.commit(ctx, a, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, p.Name, p.Description, p.Beneficiaries, p.EstimatedServed, int(p.Rung), joinList(p.Strategies), formatTime(tx.now), formatTime(tx.now))
		if isUniqueViolation(err) {
			return pathway.Conflict("name", "program.name_taken")
		} else if err != nil {
			return fmt.Errorf("create program: %w", err)
		}
		if p.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		if p.Strategies == nil {
			p.Strategies = []pathway.Strategy{}
		}
		return tx.audit("program.create", "program", p.ID)
	})
}

// FindProgram implements pathway.ProgramService.
func (s *ProgramService) FindProgram(ctx context.Context, a pathway.Actor, id int64) (*pathway.Program, error) {
	var p *pathway.Program
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		p, err = findProgram(ctx, tx, id)
		return err
	})
	return p, err
}

// ListPrograms implements pathway.ProgramService.
func (s *ProgramService) ListPrograms(ctx context.Context, a pathway.Actor) ([]pathway.Program, error) {
	var ps []pathway.Program
	err := s.db.read(ctx, a, func(tx *Tx) (err error) {
		ps, err = listPrograms(ctx, tx)
		return err
	})
	return ps, err
}

// UpdateProgram implements pathway.ProgramService.
func (s *ProgramService) UpdateProgram(ctx context.Context, a pathway.Actor, id int64, upd pathway.ProgramUpdate) (*pathway.Program, error) {
	const q = `UPDATE programs SET name = ?, description = ?, beneficiaries = ?, estimated_served = ?, rung = ?, strategies = ?, updated_at = ? WHERE id = ?`
	var p *pathway.Program
	err := s.db.commit(ctx, a, func(tx *Tx) error {
		var err error
		if p, err = findProgram(ctx, tx, id); err != nil {
			return err
		}
		if upd.Name != nil {
			p.Name = *upd.Name
		}
		if upd.Description != nil {
			p.Description = *upd.Description
		}
		if upd.Beneficiaries != nil {
			p.Beneficiaries = *upd.Beneficiaries
		}
		if upd.EstimatedServed != nil {
			p.EstimatedServed = *upd.EstimatedServed
		}
		if upd.Rung != nil {
			p.Rung = *upd.Rung
		}
		if upd.Strategies != nil {
			p.Strategies = *upd.Strategies
		}
		p.UpdatedAt = tx.now
		_, err = tx.ExecContext(ctx, q, p.Name, p.Description, p.Beneficiaries, p.EstimatedServed, int(p.Rung), joinList(p.Strategies), formatTime(tx.now), id)
		if isUniqueViolation(err) {
			return pathway.Conflict("name", "program.name_taken")
		} else if err != nil {
			return fmt.Errorf("update program: %w", err)
		}
		return tx.audit("program.update", "program", id)
	})
	return p, err
}

// Ladder implements pathway.ProgramService.
func (s *ProgramService) Ladder(ctx context.Context, a pathway.Actor) ([]pathway.LadderRung, error) {
	ps, err := s.ListPrograms(ctx, a)
	if err != nil {
		return nil, err
	}
	ladder := make([]pathway.LadderRung, len(pathway.Rungs))
	for i, r := range pathway.Rungs {
		ladder[i] = pathway.LadderRung{Rung: r, Programs: []pathway.Program{}}
	}
	for _, p := range ps {
		ladder[p.Rung-1].Programs = append(ladder[p.Rung-1].Programs, p)
	}
	return ladder, nil
}
