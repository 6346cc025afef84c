package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// ledgerEntry is what one table of a release spent.
type ledgerEntry struct {
	Table    string  `json:"table"`
	Epsilon  float64 `json:"epsilon"`
	Bound    string  `json:"contribution_bound"`
	L0       int     `json:"l0_sensitivity"`
	LInf     int     `json:"linf_sensitivity"`
	Margin95 int     `json:"margin_95"`
}

// releaseItem is a release as listed: its period, what it spent and how it
// was made. Who published it is told only as the schedule, an admin or the
// command line; the audit trail names the account.
type releaseItem struct {
	Period      string             `json:"period"`
	Kind        pathway.PeriodKind `json:"kind"`
	StartsOn    pathway.Date       `json:"starts_on"`
	EndsOn      pathway.Date       `json:"ends_on"`
	PublishedAt time.Time          `json:"published_at"`
	PublishedBy string             `json:"published_by"`
	Epsilon     float64            `json:"epsilon"`
	Method      string             `json:"method"`
	Library     string             `json:"library"`
	MinCellSize int                `json:"min_cell_size"`
	Ledger      []ledgerEntry      `json:"ledger"`
}

// releaseBody is a release with every table, as stored.
type releaseBody struct {
	releaseItem
	Tables map[string]json.RawMessage `json:"tables"`
}

func newReleaseItem(r *pathway.Release) releaseItem {
	it := releaseItem{
		Period: r.Period.Label, Kind: r.Period.Kind, StartsOn: r.Period.Start, EndsOn: r.Period.End,
		PublishedAt: r.PublishedAt, PublishedBy: r.PublishedBy, Epsilon: r.Epsilon, Method: r.Method, Library: r.Library,
		MinCellSize: r.MinCellSize, Ledger: []ledgerEntry{},
	}
	for _, t := range r.Tables {
		it.Ledger = append(it.Ledger, ledgerEntry{Table: t.Name, Epsilon: t.Epsilon, Bound: t.Bound, L0: t.L0, LInf: t.LInf, Margin95: t.Margin95})
	}
	return it
}

func newReleaseBody(r *pathway.Release) releaseBody {
	b := releaseBody{releaseItem: newReleaseItem(r), Tables: map[string]json.RawMessage{}}
	for _, t := range r.Tables {
		b.Tables[t.Name] = t.JSON
	}
	return b
}

func (s *Server) listReleases(c *gin.Context) error {
	if err := bindQuery(c, &struct{}{}); err != nil {
		return err
	}
	rs, budgets, err := s.Releases.Releases(c.Request.Context())
	if err != nil {
		return err
	}
	items := make([]releaseItem, len(rs))
	for i := range rs {
		items[i] = newReleaseItem(&rs[i])
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "budget": budgets[0], "budgets": budgets})
	return nil
}

type publishRequest struct {
	Period string `json:"period" validate:"required"`
}

func (s *Server) publishRelease(c *gin.Context) error {
	var req publishRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	r, err := s.Releases.Publish(c.Request.Context(), actor(c), req.Period)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/releases/"+r.Period.Label)
	c.JSON(http.StatusCreated, newReleaseBody(r))
	return nil
}

func (s *Server) getRelease(c *gin.Context) error {
	if err := bindQuery(c, &struct{}{}); err != nil {
		return err
	}
	r, err := s.Releases.Release(c.Request.Context(), c.Param("period"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newReleaseBody(r))
	return nil
}
