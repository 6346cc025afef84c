package sqlite

import (
	"os"

	"github.com/prometheus/client_golang/prometheus"
)

// Stats is a moment's view of the store.
type Stats struct {
	QueueDepth    int   // writes waiting for the committer
	Batches       int64 // commits the committer has run
	BatchedWrites int64 // writes those commits held
	LastBatch     int64 // writes in the latest commit
	ScrubRetries  int64 // background attempts to scrub after an erasure
	FileBytes     int64 // size of the database file
	WALBytes      int64 // size of the write-ahead log
}

// Stats returns the store's figures now.
func (db *DB) Stats() Stats {
	s := Stats{
		QueueDepth:    len(db.jobs),
		Batches:       db.batches.Load(),
		BatchedWrites: db.batched.Load(),
		LastBatch:     db.lastBatch.Load(),
		ScrubRetries:  db.scrubRetries.Load(),
	}
	if fi, err := os.Stat(db.Path); err == nil {
		s.FileBytes = fi.Size()
	}
	if fi, err := os.Stat(db.Path + "-wal"); err == nil {
		s.WALBytes = fi.Size()
	}
	return s
}

// Collector returns the store's figures as Prometheus metrics, read at
// each scrape. No label carries anything but a file kind.
func (db *DB) Collector() prometheus.Collector { return storeCollector{db} }

var (
	queueDepthDesc   = prometheus.NewDesc("pathway_write_queue_depth", "Writes waiting for the committer.", nil, nil)
	batchesDesc      = prometheus.NewDesc("pathway_write_batches_total", "Commits the committer has run.", nil, nil)
	batchedDesc      = prometheus.NewDesc("pathway_write_batch_writes_total", "Writes those commits held; divided by the batches, the mean batch size.", nil, nil)
	lastBatchDesc    = prometheus.NewDesc("pathway_write_last_batch_size", "Writes in the latest commit.", nil, nil)
	scrubRetriesDesc = prometheus.NewDesc("pathway_scrub_retries_total", "Background attempts to scrub the write-ahead log after an erasure.", nil, nil)
	dbBytesDesc      = prometheus.NewDesc("pathway_database_bytes", "Size of the database's files.", []string{"file"}, nil)
)

type storeCollector struct{ db *DB }

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDepthDesc, batchesDesc, batchedDesc, lastBatchDesc, scrubRetriesDesc, dbBytesDesc} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.Stats()
	ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(s.QueueDepth))
	ch <- prometheus.MustNewConstMetric(batchesDesc, prometheus.CounterValue, float64(s.Batches))
	ch <- prometheus.MustNewConstMetric(batchedDesc, prometheus.CounterValue, float64(s.BatchedWrites))
	ch <- prometheus.MustNewConstMetric(lastBatchDesc, prometheus.GaugeValue, float64(s.LastBatch))
	ch <- prometheus.MustNewConstMetric(scrubRetriesDesc, prometheus.CounterValue, float64(s.ScrubRetries))
	ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, float64(s.FileBytes), "db")
	ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, float64(s.WALBytes), "wal")
}
