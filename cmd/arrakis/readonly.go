package main

import (
	"context"

	"github.com/arrakis-bot/arrakis/bot/deploy"
)

// cliRerun ends the CLI's preflight problems, after their fix.
const cliRerun = "run the command again"

// openHistory opens what the commands that only read the deployment history need (history,
// diff, manifest pull): the stores and no Discord session, so no token either.
func openHistory(ctx context.Context) (*deploy.Service, func(), error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, nil, usageError(err)
	}
	st, closeStores, err := openStores(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	svc := deploy.New(deploy.Config{Shadow: st.Shadow, Coordination: st.Coordination})
	svc.SetRerun(cliRerun)
	return svc, closeStores, nil
}
