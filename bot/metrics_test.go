package bot

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/arrakis-bot/arrakis/bot/metrics"
)

// The wizard reports sessions, steps, rejected inputs and interactions to the metrics.
func TestWizardMetrics(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.metrics = m })
	e.Command("setup")
	e.Click("next") // refused: no name yet
	e.Click("open:name")
	e.Submit(map[string]string{"name": "ab"}) // refused: too short
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	e.Click("next")
	e.Click("back")

	eq(t, "started", testutil.ToFloat64(m.Sessions.WithLabelValues(metrics.SessionStarted)), 1)
	eq(t, "INIT completed", testutil.ToFloat64(m.StepCompletions.WithLabelValues("INIT")), 1)
	eq(t, "CHAIN_SELECT back", testutil.ToFloat64(m.StepBacks.WithLabelValues("CHAIN_SELECT")), 1)
	eq(t, "rejected names", testutil.ToFloat64(m.ValidationErrors.WithLabelValues("community.name")), 2)
	eq(t, "interactions", testutil.ToFloat64(m.Interactions.WithLabelValues("http", "handled")), 8)
	if n := testutil.CollectAndCount(m.StepDuration); n == 0 {
		t.Fatalf("no step durations observed")
	}
}
