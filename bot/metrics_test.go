package bot

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/wizard"
)

// The wizard reports sessions, steps, rejected inputs and interactions to the metrics.
func TestWizardMetrics(t *testing.T) {
	m := metrics.New(prometheus.NewRegistry())
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.metrics = m })
	e.Command("setup")
	e.Click("next") // refused: Next is disabled until there is a name, so not offered
	e.Click("open:name")
	e.Submit(map[string]string{"name": "ab"}) // refused: too short
	e.Click("open:name")
	e.Submit(map[string]string{"name": "Honey Jar"})
	e.Click("next")
	e.Click("back")

	eq(t, "started", testutil.ToFloat64(m.Sessions.WithLabelValues(metrics.SessionStarted)), 1)
	eq(t, "INIT completed", testutil.ToFloat64(m.StepCompletions.WithLabelValues("INIT")), 1)
	eq(t, "CHAIN_SELECT back", testutil.ToFloat64(m.StepBacks.WithLabelValues("CHAIN_SELECT")), 1)
	eq(t, "rejected names", testutil.ToFloat64(m.ValidationErrors.WithLabelValues("community.name")), 1)
	eq(t, "interactions", testutil.ToFloat64(m.Interactions.WithLabelValues("http", "handled")), 8)
	if n := testutil.CollectAndCount(m.StepDuration); n == 0 {
		t.Fatalf("no step durations observed")
	}
}

// After a full walk to REVIEW, the Prometheus endpoint itself shows a completion for every
// step the admin moved forward from, and nothing for the steps not left yet.
func TestMetricsScrapeAfterWizardWalk(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	e := newE2E(t, newHTTPTransport, func(o *e2eOptions) { o.metrics = m })
	runWalk(t, e, wizardWalk())

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatalf("scrape /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)

	for _, st := range []wizard.State{wizard.StateInit, wizard.StateChainSelect, wizard.StateAssetConfig,
		wizard.StateEligibilityRules, wizard.StateRoleMapping, wizard.StateChannelStructure} {
		line := fmt.Sprintf(`arrakis_wizard_step_completions_total{step="%s"} `, st)
		if !strings.Contains(text, line) {
			t.Errorf("/metrics has no completion of %s after the walk (want a line starting %q)", st, line)
		}
	}
	for _, st := range []wizard.State{wizard.StateReview, wizard.StateDeploy} {
		if line := fmt.Sprintf(`arrakis_wizard_step_completions_total{step="%s"}`, st); strings.Contains(text, line) {
			t.Errorf("/metrics counts a completion of %s, which the walk never left", st)
		}
	}
	for _, want := range []string{
		`arrakis_wizard_sessions_total{event="started"} 1`,
		`arrakis_wizard_step_duration_seconds_count{step="INIT"}`,
		`arrakis_interactions_total{outcome="handled",transport="http"}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("scraped:\n%s", text)
	}
}
