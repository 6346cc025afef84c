package httpapi

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/report"
)

type reportQuery struct {
	Period      string `form:"period" json:"period" validate:"required"`
	ProgramID   int64  `form:"program_id" json:"program_id" validate:"omitempty,gt=0"`
	Perspective string `form:"perspective" json:"perspective" validate:"omitempty,perspective"`
	Format      string `form:"format" json:"format" validate:"omitempty,oneof=json csv"`
}

// csvReport is a report that can be written as CSV.
type csvReport interface{ CSV() [][]string }

// wantsCSV reports whether the client asked for CSV, by Accept or ?format=csv.
func wantsCSV(c *gin.Context, format string) bool {
	return format == "csv" || (format == "" && strings.Contains(c.GetHeader("Accept"), "text/csv"))
}

// writeReport answers with JSON or, when asked, CSV of the same suppressed cells.
func writeReport(c *gin.Context, name string, q reportQuery, rep any, rows func() [][]string) error {
	if !wantsCSV(c, q.Format) {
		c.JSON(http.StatusOK, rep)
		return nil
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="pathway-%s-%s.csv"`, name, q.Period))
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	for _, row := range rows() {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// withHeader puts the common CSV header before a report's rows.
func withHeader(r csvReport) func() [][]string {
	return func() [][]string { return append([][]string{report.CSVHeader}, r.CSV()...) }
}

func (s *Server) bindReport(c *gin.Context) (reportQuery, error) {
	var q reportQuery
	err := bindQuery(c, &q)
	return q, err
}

func (s *Server) distributionReport(c *gin.Context) error {
	q, err := s.bindReport(c)
	if err != nil {
		return err
	}
	rep, err := s.Reports.Distribution(c.Request.Context(), q.Period, q.ProgramID)
	if err != nil {
		return err
	}
	return writeReport(c, "distribution", q, rep, withHeader(rep))
}

func (s *Server) programDistributionReport(c *gin.Context) error {
	q, err := s.bindReport(c)
	if err != nil {
		return err
	}
	rep, err := s.Reports.DistributionByProgram(c.Request.Context(), q.Period)
	if err != nil {
		return err
	}
	return writeReport(c, "distribution-by-program", q, rep, withHeader(rep))
}

func (s *Server) movementReport(c *gin.Context) error {
	q, err := s.bindReport(c)
	if err != nil {
		return err
	}
	rep, err := s.Reports.Movement(c.Request.Context(), q.Period)
	if err != nil {
		return err
	}
	return writeReport(c, "movement", q, rep, withHeader(rep))
}

func (s *Server) rolesReport(c *gin.Context) error {
	q, err := s.bindReport(c)
	if err != nil {
		return err
	}
	rep, err := s.Reports.Roles(c.Request.Context(), q.Period)
	if err != nil {
		return err
	}
	return writeReport(c, "roles", q, rep, withHeader(rep))
}

func (s *Server) capacityReport(c *gin.Context) error {
	q, err := s.bindReport(c)
	if err != nil {
		return err
	}
	perspective := pathway.PerspectiveSelf
	if q.Perspective != "" {
		perspective = pathway.Perspective(q.Perspective)
	}
	rep, err := s.Reports.Capacity(c.Request.Context(), q.Period, perspective)
	if err != nil {
		return err
	}
	return writeReport(c, "capacity", q, rep, withHeader(rep))
}

type ladderQuery struct {
	Format string `form:"format" json:"format" validate:"omitempty,oneof=json csv"`
}

// ladderReport is the ladder for leadership: programs per rung, nothing personal.
func (s *Server) ladderReport(c *gin.Context) error {
	var q ladderQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	l, err := s.Programs.Ladder(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	return writeReport(c, "ladder", reportQuery{Period: s.Now().UTC().Format("2006-01-02"), Format: q.Format}, gin.H{"rungs": l}, func() [][]string { return report.LadderCSV(l) })
}
