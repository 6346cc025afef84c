//go:build !unix

package sqlite

import (
	"errors"
	"os"
)

// lockReadLog cannot lock here, so no process keeps a read log: audited
// reads write their entries through the writer.
func lockReadLog(*os.File) error { return errors.New("no file locks on this system") }
