package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// NewMetrics returns a registry holding the Go runtime's and the process's
// figures, for Server.Metrics; callers register the store's on it.
func NewMetrics() *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// httpMetrics counts and times requests by method, route pattern and
// status: a pattern such as /api/v1/participants/:id, never the path
// asked for, so no id or name reaches a label.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pathway_http_requests_total",
			Help: "Requests answered, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pathway_http_request_duration_seconds",
			Help:    "Time to answer a request, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// knownMethods bounds the method label: anything else is "other".
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// observe records each request once it has been answered.
func (m *httpMetrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(unmatched)"
	}
	method := c.Request.Method
	if !knownMethods[method] {
		method = "other"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

// MetricsHandler serves Metrics in the Prometheus text format, with no
// authentication of its own: the main router puts it behind an admin's
// credentials; a separate listener (serve --metrics-addr) serves it bare.
func (s *Server) MetricsHandler() http.Handler {
	s.Handler() // the registry is settled when the routes are built
	return promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
}
