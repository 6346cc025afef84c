package pathway

import (
	"context"
	"time"
)

// Program is an entry in the organisation's inventory, slotted onto the rung
// it best fits.
type Program struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	Description     string     `json:"description"`
	Beneficiaries   string     `json:"beneficiaries"`
	EstimatedServed *int       `json:"estimated_served"`
	Rung            Rung       `json:"rung"`
	Strategies      []Strategy `json:"strategies"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// ProgramUpdate holds the fields of a program to change; nil leaves a field alone.
type ProgramUpdate struct {
	Name            *string
	Description     *string
	Beneficiaries   *string
	EstimatedServed **int
	Rung            *Rung
	Strategies      *[]Strategy
}

// ProgramService manages the programme inventory.
type ProgramService interface {
	// CreateProgram stores p and fills its ID. ECONFLICT on a duplicate name.
	CreateProgram(ctx context.Context, a Actor, p *Program) error
	// FindProgram returns one program. ENOTFOUND when absent.
	FindProgram(ctx context.Context, a Actor, id int64) (*Program, error)
	// ListPrograms returns every program ordered by rung then name.
	ListPrograms(ctx context.Context, a Actor) ([]Program, error)
	// UpdateProgram applies upd. ENOTFOUND, ECONFLICT.
	UpdateProgram(ctx context.Context, a Actor, id int64, upd ProgramUpdate) (*Program, error)
	// Ladder returns the five rungs in order with their programs; empty rungs included.
	Ladder(ctx context.Context, a Actor) ([]LadderRung, error)
}
