package httpapi

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"pathway/internal/pathway"
)

// pathID reads a numeric path parameter; anything else is a 404, since no
// record has such an id.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, pathway.Errorf(pathway.ENOTFOUND, "route.not_found")
	}
	return id, nil
}
