// Package metrics defines Arrakis's Prometheus metrics: what operators watch to know that
// admins are getting through /setup, that deploys succeed, and that Redis and Discord are
// healthy. Label values are bounded: steps, fields, item types, commands and routes — never
// guild, user or session ids.
package metrics

import (
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Session events counted by SessionEvent.
const (
	SessionStarted   = "started"
	SessionResumed   = "resumed"
	SessionTakenOver = "taken_over"
	SessionCancelled = "cancelled"
	SessionExpired   = "expired"
)

// Metrics holds every collector. The zero value is not usable; call New.
type Metrics struct {
	Sessions         *prometheus.CounterVec
	StepCompletions  *prometheus.CounterVec
	StepBacks        *prometheus.CounterVec
	StepDuration     *prometheus.HistogramVec
	ValidationErrors *prometheus.CounterVec
	Interactions     *prometheus.CounterVec
	Deploys          *prometheus.CounterVec
	DeployDuration   prometheus.Histogram
	DriftItems       *prometheus.CounterVec
	RedisDuration    *prometheus.HistogramVec
	RedisErrors      *prometheus.CounterVec
	DiscordDuration  *prometheus.HistogramVec
	DiscordErrors    *prometheus.CounterVec
	// PartFailures counts failures shown to an admin by the part that failed (sessions,
	// coordination, history, discord); PartUp is each store's last readiness check.
	PartFailures *prometheus.CounterVec
	PartUp       *prometheus.GaugeVec
}

// New creates the collectors and registers them with reg (a fresh prometheus.NewRegistry()
// in tests; prometheus.DefaultRegisterer in serve).
func New(reg prometheus.Registerer) *Metrics {
	fast := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}
	m := &Metrics{
		Sessions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_wizard_sessions_total",
			Help: "Wizard sessions by event: started, resumed, taken_over, cancelled, expired.",
		}, []string{"event"}),
		StepCompletions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_wizard_step_completions_total",
			Help: "Times a wizard step was completed by moving forward from it.",
		}, []string{"step"}),
		StepBacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_wizard_step_back_total",
			Help: "Times an admin went back from a wizard step.",
		}, []string{"step"}),
		StepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arrakis_wizard_step_duration_seconds",
			Help:    "Time spent on a wizard step before leaving it.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 900},
		}, []string{"step"}),
		ValidationErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_wizard_validation_errors_total",
			Help: "Rejected wizard inputs by field path (list indices removed).",
		}, []string{"field"}),
		Interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_interactions_total",
			Help: "Interactions handled, by transport and outcome.",
		}, []string{"transport", "outcome"}),
		Deploys: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_deploys_total",
			Help: "Deploys by event: started, completed, failed.",
		}, []string{"event"}),
		DeployDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "arrakis_deploy_duration_seconds",
			Help:    "Duration of deploys that ended, completed or failed.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 12),
		}),
		DriftItems: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_drift_items_total",
			Help: "Drift items reported, by type and severity.",
		}, []string{"type", "severity"}),
		RedisDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arrakis_redis_command_duration_seconds",
			Help:    "Redis round trips by command (pipelines count once, as \"pipeline\").",
			Buckets: fast,
		}, []string{"command"}),
		RedisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_redis_errors_total",
			Help: "Redis commands that failed, by command (a missing key is not a failure).",
		}, []string{"command"}),
		DiscordDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "arrakis_discord_request_duration_seconds",
			Help:    "Discord REST requests by method and route template.",
			Buckets: fast,
		}, []string{"method", "route"}),
		DiscordErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_discord_errors_total",
			Help: "Discord REST requests that failed, by method, route template and status class.",
		}, []string{"method", "route", "status"}),
		PartFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "arrakis_part_failures_total",
			Help: "Failures shown to an admin, by the part that failed: sessions, coordination, history (S3 or the data directory), discord.",
		}, []string{"part"}),
		PartUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "arrakis_part_up",
			Help: "1 when the part answered its last readiness check (/readyz), else 0: sessions, coordination, history.",
		}, []string{"part"}),
	}
	reg.MustRegister(m.PartFailures, m.PartUp, m.Sessions, m.StepCompletions, m.StepBacks, m.StepDuration, m.ValidationErrors,
		m.Interactions, m.Deploys, m.DeployDuration, m.DriftItems, m.RedisDuration, m.RedisErrors,
		m.DiscordDuration, m.DiscordErrors)
	return m
}

// SessionEvent counts a session event (SessionStarted, …).
func (m *Metrics) SessionEvent(event string) { m.Sessions.WithLabelValues(event).Inc() }

// StepForward records that an admin left step after spending d on it.
func (m *Metrics) StepForward(step string, d time.Duration) {
	m.StepCompletions.WithLabelValues(step).Inc()
	m.StepDuration.WithLabelValues(step).Observe(d.Seconds())
}

// StepBack records a back-navigation from step.
func (m *Metrics) StepBack(step string, d time.Duration) {
	m.StepBacks.WithLabelValues(step).Inc()
	m.StepDuration.WithLabelValues(step).Observe(d.Seconds())
}

// ValidationError counts a rejected input at a manifest path such as "assets[2].contract".
func (m *Metrics) ValidationError(path string) {
	m.ValidationErrors.WithLabelValues(FieldLabel(path)).Inc()
}

// DriftItem counts one reported drift item.
func (m *Metrics) DriftItem(itemType, severity string) {
	m.DriftItems.WithLabelValues(itemType, severity).Inc()
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// FieldLabel removes list indices from a path ("tiers[3].rules[0].amount" →
// "tiers[].rules[].amount") so the label's values stay few, and caps its length.
func FieldLabel(path string) string {
	p := indexRE.ReplaceAllString(path, "[]")
	if p == "" {
		p = "unknown"
	}
	if len(p) > 64 {
		p = p[:64]
	}
	return p
}

var snowflakeRE = regexp.MustCompile(`/\d{15,21}`)

// RouteLabel turns a Discord API path into its route template: ids become {id} and the
// interaction or webhook token segment becomes {token}, so tokens never reach a label.
func RouteLabel(path string) string {
	if i := strings.Index(path, "/api/v"); i >= 0 {
		path = path[i+len("/api/v"):]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	segs := strings.Split(path, "/")
	for i := 0; i+2 < len(segs); i++ {
		// /webhooks/{app}/{token}/… and /interactions/{id}/{token}/…
		if segs[i] == "webhooks" || segs[i] == "interactions" {
			segs[i+2] = "{token}"
		}
	}
	path = strings.Join(segs, "/")
	return snowflakeRE.ReplaceAllString(path, "/{id}")
}
