//go:build unix

package sqlite

import (
	"os"
	"syscall"
)

// lockReadLog takes the read log for this process, or fails at once if
// another process (a command run beside the server) has it.
func lockReadLog(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
