package release

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	releasesDesc    = prometheus.NewDesc("pathway_releases_published", "Releases published, by kind of period.", []string{"kind"}, nil)
	spentDesc       = prometheus.NewDesc("pathway_privacy_epsilon_spent", "ε spent by the releases of a calendar year's periods.", []string{"year"}, nil)
	budgetLimitDesc = prometheus.NewDesc("pathway_privacy_epsilon_limit", "The most ε the releases of one calendar year may spend.", nil, nil)
)

// Collector returns the releases published and the ε spent per year as
// Prometheus metrics, read at each scrape. Labels carry only a kind of
// period or a year.
func (s *Service) Collector() prometheus.Collector { return releaseCollector{s} }

type releaseCollector struct{ s *Service }

func (c releaseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- releasesDesc
	ch <- spentDesc
	ch <- budgetLimitDesc
}

func (c releaseCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ch <- prometheus.MustNewConstMetric(budgetLimitDesc, prometheus.GaugeValue, c.s.Budget)
	rs, err := c.s.Store.ListReleases(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(releasesDesc, err)
		return
	}
	kinds := map[string]int{}
	for _, r := range rs {
		kinds[string(r.Period.Kind)]++
	}
	for kind, n := range kinds {
		ch <- prometheus.MustNewConstMetric(releasesDesc, prometheus.GaugeValue, float64(n), kind)
	}
	spent, err := c.s.Store.Spent(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(spentDesc, err)
		return
	}
	for year, e := range spent {
		ch <- prometheus.MustNewConstMetric(spentDesc, prometheus.GaugeValue, round(e), strconv.Itoa(year))
	}
}
