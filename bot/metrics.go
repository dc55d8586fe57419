package bot

import (
	"time"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// What the bot tells the operator's metrics (bot/metrics): interactions by transport and
// outcome, session events, steps completed and abandoned with the time spent on them,
// rejected inputs by field, deploys, and drift items. All optional: Deps.Metrics may be nil.

// uiStepAt is when the current step was entered (RFC 3339), kept so that the time spent on
// a step can be measured without an extra write: the first save on a step records the
// session's UpdatedAt, which until then is the moment of the transition into the step.
const uiStepAt = "step.at"

func (b *Bot) metric(f func(m *metrics.Metrics)) {
	if b.d.Metrics != nil {
		f(b.d.Metrics)
	}
}

// markStepEntry records the step's entry time on the first save of a step.
func markStepEntry(s *wizard.Session) {
	if s.UI[uiStepAt] == "" && !s.UpdatedAt.IsZero() {
		setUI(s, uiStepAt, s.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
}

// timeOnStep is how long the session has been on its current step.
func (b *Bot) timeOnStep(s *wizard.Session) time.Duration {
	entered := s.UpdatedAt
	if t, err := time.Parse(time.RFC3339Nano, s.UI[uiStepAt]); err == nil {
		entered = t
	}
	return max(0, b.now().Sub(entered))
}

// stepLeft records a move off the session's current step.
func (b *Bot) stepLeft(s *wizard.Session, to wizard.State) {
	b.metric(func(m *metrics.Metrics) {
		if to.Step() > s.State.Step() {
			m.StepForward(string(s.State), b.timeOnStep(s))
		} else {
			m.StepBack(string(s.State), b.timeOnStep(s))
		}
	})
}

func (b *Bot) countProblems(ps wizard.Problems) {
	b.metric(func(m *metrics.Metrics) {
		for _, p := range ps {
			m.ValidationError(p.Path)
		}
	})
}

func (b *Bot) countSession(event string) {
	b.metric(func(m *metrics.Metrics) { m.SessionEvent(event) })
}

func (b *Bot) countInteraction(transport, outcome string) {
	b.metric(func(m *metrics.Metrics) { m.Interactions.WithLabelValues(transport, outcome).Inc() })
}

func (b *Bot) countDeploy(event string, d time.Duration) {
	b.metric(func(m *metrics.Metrics) {
		m.Deploys.WithLabelValues(event).Inc()
		if event != "started" {
			m.DeployDuration.Observe(d.Seconds())
		}
	})
}

func (b *Bot) countDrift(items []drift.Item) {
	b.metric(func(m *metrics.Metrics) {
		for _, it := range items {
			m.DriftItem(string(it.Type), string(it.Severity))
		}
	})
}
