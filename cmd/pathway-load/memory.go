package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// memSampler follows a process's resident memory while the load runs.
type memSampler struct {
	pid  int
	done chan struct{}
	peak chan int64
}

// sampleMemory reads /proc/<pid>/status every 100 ms until stop.
func sampleMemory(pid int) *memSampler {
	m := &memSampler{pid: pid, done: make(chan struct{}), peak: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := statusField(pid, "VmRSS"); err == nil {
				peak = max(peak, kb)
			}
			select {
			case <-m.done:
				m.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return m
}

// stop ends the sampling and describes what it saw.
func (m *memSampler) stop() string {
	close(m.done)
	peak := <-m.peak
	hwm, err := statusField(m.pid, "VmHWM")
	if err != nil {
		return fmt.Sprintf("memory of process %d: %v", m.pid, err)
	}
	return fmt.Sprintf("memory of process %d: peak VmRSS sampled during the run %.1f MB, VmHWM (peak since it started) %.1f MB",
		m.pid, float64(peak)/1024, float64(hwm)/1024)
}

// statusField reads a kB field such as VmRSS from /proc/<pid>/status.
func statusField(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// loadAverage is the machine's one-minute load average, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	fields := strings.Fields(string(b))
	if len(fields) < 3 {
		return "?"
	}
	return strings.Join(fields[:3], " ")
}
