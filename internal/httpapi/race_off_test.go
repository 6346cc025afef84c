//go:build !race

package httpapi_test

// raceEnabled reports whether the race detector is on; it multiplies the
// memory a process uses, so memory bounds do not hold under it.
const raceEnabled = false
