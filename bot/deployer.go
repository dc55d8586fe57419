package bot

import (
	"context"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Deployer is what the bot asks of bot/deploy; *deploy.Service implements it. It is an
// interface so that tests can stand in for a guild the fake Discord does not model.
type Deployer interface {
	FetchGuild(ctx context.Context, guildID string) (drift.Guild, error)
	Review(ctx context.Context, guildID string, m *wizard.Manifest) (*deploy.Review, error)
	Deploy(ctx context.Context, req deploy.Request) (*deploy.Result, error)
	Progress(ctx context.Context, guildID string) (*store.DeployProgress, error)
	Drift(ctx context.Context, guildID string) (*deploy.DriftView, error)
	// Reconcile, Accept and Prune take the hash the confirmation showed (DriftView's
	// PlanHash, AcceptHash, PruneHash); a different one runs nothing (CodePlanChanged).
	Reconcile(ctx context.Context, guildID, by, planHash string) (*deploy.Result, error)
	Accept(ctx context.Context, guildID, by, stateHash string) (*deploy.Result, error)
	Prune(ctx context.Context, guildID, by, planHash string) (*deploy.Result, error)
	History(ctx context.Context, guildID string) ([]deploy.HistoryEntry, error)
	Snapshot(ctx context.Context, guildID string, version int) (*store.Snapshot, error)
	Rollback(ctx context.Context, guildID string, version int, by string) (*deploy.Result, error)
}

var _ Deployer = (*deploy.Service)(nil)
