package store

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/arrakis-bot/arrakis/wizard"
)

// GatedShadow is a deployment history that could not be reached when the process started.
// Until its Check passes (the server answers and honours conditional writes, DESIGN §4),
// every call fails with CodeUnavailable naming the history, so that no shadow write and no
// read that would be taken for "nothing deployed" happens before it; after that it is the
// wrapped store. serve uses it so that an S3 outage does not keep the wizard down.
type GatedShadow struct {
	inner Shadow
	where string
	open  atomic.Bool
	last  atomic.Pointer[error]
}

// NewGatedShadow gates inner, whose first Check failed with err. where names the history
// as configured ("S3 bucket x at http://…").
func NewGatedShadow(inner Shadow, where string, err error) *GatedShadow {
	g := &GatedShadow{inner: inner, where: where}
	g.last.Store(&err)
	return g
}

// Ready reports whether the history's check has passed.
func (g *GatedShadow) Ready() bool { return g.open.Load() }

func (g *GatedShadow) gate() error {
	if g.open.Load() {
		return nil
	}
	cause := errors.New("the deployment history has not answered since start-up")
	if p := g.last.Load(); p != nil && *p != nil {
		cause = *p
	}
	return &Error{Code: CodeUnavailable, Op: "use the deployment history", Err: cause, Part: PartHistory, Where: g.where}
}

// Check runs the wrapped store's check; once it passes, the gate stays open.
func (g *GatedShadow) Check(ctx context.Context) error {
	err := g.inner.Check(ctx)
	if err == nil {
		g.open.Store(true)
		return nil
	}
	g.last.Store(&err)
	return err
}

func (g *GatedShadow) Save(ctx context.Context, m *wizard.Manifest, meta SnapshotMeta) (SnapshotMeta, error) {
	if err := g.gate(); err != nil {
		return SnapshotMeta{}, err
	}
	return g.inner.Save(ctx, m, meta)
}

func (g *GatedShadow) Get(ctx context.Context, communityID, id string) (*Snapshot, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.Get(ctx, communityID, id)
}

func (g *GatedShadow) Latest(ctx context.Context, communityID string) (*Snapshot, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.Latest(ctx, communityID)
}

func (g *GatedShadow) RecordDeployment(ctx context.Context, communityID, id string, d Deployment) error {
	if err := g.gate(); err != nil {
		return err
	}
	return g.inner.RecordDeployment(ctx, communityID, id, d)
}

func (g *GatedShadow) LatestDeployed(ctx context.Context, communityID string) (*Snapshot, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.LatestDeployed(ctx, communityID)
}

func (g *GatedShadow) List(ctx context.Context, communityID string) ([]SnapshotMeta, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.List(ctx, communityID)
}

func (g *GatedShadow) Communities(ctx context.Context) ([]string, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.Communities(ctx)
}

func (g *GatedShadow) SaveAlert(ctx context.Context, communityID string, a *Alert) error {
	if err := g.gate(); err != nil {
		return err
	}
	return g.inner.SaveAlert(ctx, communityID, a)
}

func (g *GatedShadow) Alert(ctx context.Context, communityID string) (*Alert, error) {
	if err := g.gate(); err != nil {
		return nil, err
	}
	return g.inner.Alert(ctx, communityID)
}

var _ Shadow = (*GatedShadow)(nil)
