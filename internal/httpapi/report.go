package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
	"pathway/internal/release"
)

// Leadership reports are tables of published releases: every answer is
// the stored bytes of one table, never a count made for the request.

type reportQuery struct {
	Period      string `form:"period" json:"period" validate:"required"`
	ProgramID   int64  `form:"program_id" json:"program_id" validate:"omitempty,gt=0"`
	Perspective string `form:"perspective" json:"perspective" validate:"omitempty,perspective"`
	Format      string `form:"format" json:"format" validate:"omitempty,oneof=json csv"`
}

// wantsCSV reports whether the client asked for CSV, by Accept or ?format=csv.
func wantsCSV(c *gin.Context, format string) bool {
	return format == "csv" || (format == "" && strings.Contains(c.GetHeader("Accept"), "text/csv"))
}

// writeTable answers with a stored table's JSON or, when asked, its CSV.
func writeTable(c *gin.Context, name, period, format string, js, cs []byte) {
	if wantsCSV(c, format) {
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="pathway-%s-%s.csv"`, strings.ReplaceAll(name, "/", "-"), period))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", cs)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", js)
}

// reportTable serves one table of the release of ?period=.
func (s *Server) reportTable(name string) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		var q reportQuery
		if err := bindQuery(c, &q); err != nil {
			return err
		}
		table := name
		if name == pathway.TableCapacitySelf && q.Perspective == string(pathway.PerspectiveStaff) {
			table = pathway.TableCapacityStaff
		}
		if q.ProgramID != 0 && name != pathway.TableDistribution {
			return pathway.Invalid("program_id", "report.program_only_distribution")
		}
		if q.Perspective != "" && name != pathway.TableCapacitySelf {
			return pathway.Invalid("perspective", "report.perspective_only_capacity")
		}
		if q.ProgramID != 0 {
			table = pathway.TablePrograms
		}
		t, err := s.Releases.Table(c.Request.Context(), q.Period, table)
		if err != nil {
			return err
		}
		if q.ProgramID == 0 {
			writeTable(c, name, q.Period, q.Format, t.JSON, t.CSV)
			return nil
		}
		js, cs, err := release.ProgramRowTable(t, q.ProgramID)
		if err != nil {
			return err
		}
		writeTable(c, fmt.Sprintf("%s-program-%d", name, q.ProgramID), q.Period, q.Format, js, cs)
		return nil
	}
}

type ladderQuery struct {
	Format string `form:"format" json:"format" validate:"omitempty,oneof=json csv"`
}

// ladderReport is the ladder for leadership: programs per rung, nothing
// personal, so it is read live.
func (s *Server) ladderReport(c *gin.Context) error {
	var q ladderQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	l, err := s.Programs.Ladder(c.Request.Context(), actor(c))
	if err != nil {
		return err
	}
	if !wantsCSV(c, q.Format) {
		c.JSON(http.StatusOK, gin.H{"rungs": l})
		return nil
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"rung", "program_id", "program", "estimated_served"})
	for _, r := range l {
		if len(r.Programs) == 0 {
			_ = w.Write([]string{r.Rung.String(), "", "", ""})
		}
		for _, p := range r.Programs {
			served := ""
			if p.EstimatedServed != nil {
				served = strconv.Itoa(*p.EstimatedServed)
			}
			_ = w.Write([]string{r.Rung.String(), strconv.FormatInt(p.ID, 10), release.SafeCSVCell(p.Name), served})
		}
	}
	w.Flush()
	writeTable(c, "ladder", s.Now().UTC().Format("2006-01-02"), "csv", nil, buf.Bytes())
	return w.Error()
}
