package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pathway/internal/csvimport"
	"pathway/internal/pathway"
)

// importQuery holds the query parameters of POST /imports.
type importQuery struct {
	Kind    string `form:"kind" json:"kind" validate:"required,oneof=participants engagements"`
	DryRun  string `form:"dry_run" json:"dry_run" validate:"omitempty,oneof=true false"`
	OnError string `form:"on_error" json:"on_error" validate:"omitempty,oneof=abort skip"`
	Map     string `form:"map" json:"map" validate:"max=2000"`
}

// importStarted answers an import that has begun.
type importStarted struct {
	ID     int64                `json:"id"`
	Status pathway.ImportStatus `json:"status"`
}

// startImport reads a CSV export, checks its header and starts importing
// it in the background.
func (s *Server) startImport(c *gin.Context) error {
	var q importQuery
	if err := bindQuery(c, &q); err != nil {
		return err
	}
	cols, err := csvimport.ParseColumnMap(q.Map)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "text/csv" {
		return pathway.Errorf(codeUnsupported, "import.not_csv")
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.maxImport()))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return pathway.Errorf(codeTooLarge, "import.too_large", max(1, s.maxImport()>>20))
	} else if err != nil {
		return pathway.Errorf(codeMalformed, "import.unreadable")
	}
	o := pathway.ImportOptions{Kind: pathway.ImportKind(q.Kind), DryRun: q.DryRun == "true", SkipErrors: q.OnError == "skip", Columns: cols}
	im, err := s.Imports.StartImport(c.Request.Context(), actor(c), o, data)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/imports/"+strconv.FormatInt(im.ID, 10))
	c.JSON(http.StatusAccepted, importStarted{ID: im.ID, Status: im.Status})
	return nil
}

// maxImport is the largest CSV file an import takes.
func (s *Server) maxImport() int64 {
	if s.MaxImportBytes > 0 {
		return s.MaxImportBytes
	}
	return maxImportBody
}

// getImport shows how an import stands, to its owner or an admin.
func (s *Server) getImport(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	im, err := s.Imports.FindImport(c.Request.Context(), actor(c), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, im)
	return nil
}

// Close stops the server's background work (imports in progress) and
// waits for it; it may be called more than once.
func (s *Server) Close() error {
	if cl, ok := s.Imports.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}
