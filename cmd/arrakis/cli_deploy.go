package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/wizard"
)

// cliTimeout bounds one CLI command that talks to Discord and the stores.
const cliTimeout = 10 * time.Minute

// openService loads the configuration and opens what the deploy commands need: the
// stores and a discordgo session (REST only; the CLI never opens the gateway).
func openService(ctx context.Context) (*deploy.Service, func(), error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, nil, usageError(err)
	}
	if err := cfg.RequireToken(); err != nil {
		return nil, nil, usageError(err)
	}
	st, closeStores, err := openStores(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	dg, err := openDiscord(cfg)
	if err != nil {
		closeStores()
		return nil, nil, err
	}
	svc := newDeployService(cfg, dg, st, nil)
	svc.SetRerun(cliRerun)
	return svc, closeStores, nil
}

// cliUser is who the CLI records as having made a snapshot or deploy.
func cliUser() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// checkGuild refuses a missing or malformed --guild.
func checkGuild(id string) error {
	if id == "" {
		return usageError(errors.New("say which server with --guild ID (the server's id: right-click it in Discord with Developer Mode on → Copy Server ID)"))
	}
	if len(id) > 20 || strings.Trim(id, "0123456789") != "" {
		return usageError(fmt.Errorf("--guild %q is not a Discord server id (a number like 1180000000000000001)", id))
	}
	return nil
}

// loadManifestFile reads and decodes a manifest for a guild; a manifest naming another
// guild is refused, and one naming none is pointed at this one.
func loadManifestFile(stdin io.Reader, stderr io.Writer, file, guildID string) (*wizard.Manifest, error) {
	if file == "" {
		return nil, usageError(errors.New("give the manifest with -f FILE"))
	}
	data, err := readManifest(stdin, file)
	if err != nil {
		return nil, usageError(err)
	}
	m, err := wizard.DecodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a valid manifest: %w", file, err)
	}
	switch m.Community.GuildID {
	case "", guildID:
		m.Community.GuildID = guildID
	default:
		return nil, usageError(fmt.Errorf("%s is the manifest of server %s, not of --guild %s", file, m.Community.GuildID, guildID))
	}
	if v := m.Validate(); !v.Deployable {
		for _, p := range v.Problems {
			fmt.Fprintln(stderr, problemLine(p))
		}
		return nil, fmt.Errorf("%s cannot be deployed: fix the problems listed above (arrakis manifest validate -f %s)", file, file)
	}
	return m, nil
}

// cliError turns a deploy error into what the CLI prints, in terminal words: the
// preflight problems, what a stopped deploy did and did not do, or the sentence for the
// error's code. The error stays in the chain, so run can still word a Discord failure.
func cliError(err error) error {
	var de *deploy.Error
	if !errors.As(err, &de) {
		return err
	}
	switch {
	case len(de.Problems) > 0:
		return plainf(err, "the plan cannot run:\n  - %s", strings.Join(de.Problems, "\n  - "))
	case de.Result != nil:
		return plainf(err, "%s %s", firstSentence(de.Message), stoppedSummary(de.Result))
	case de.Code == deploy.CodeRunning:
		by := de.HeldBy
		if by == "" {
			by = "someone"
		} else if strings.Trim(by, "0123456789") == "" {
			by = "Discord user " + by
		}
		return plainf(err, "A deploy is already running for this server (started by %s at %s); wait for it to finish, then run the command again.",
			by, de.Since.UTC().Format("15:04 MST"))
	case de.Code == deploy.CodeNoManifest:
		return plainf(err, "Nothing has been set up in this server yet: deploy a manifest first with arrakis apply -f FILE --guild ID.")
	case de.Code == deploy.CodeNothingDeployed:
		return plainf(err, "Nothing was deployed to this server yet: deploy a manifest first with arrakis apply -f FILE --guild ID.")
	}
	if de.Code == deploy.CodePlanChanged && de.Result == nil {
		return plainf(err, "nothing was changed: the server or its deployed setup changed after the plan above was printed, so it is no longer what would run; run the command again to see the new plan")
	}
	return plainf(err, "%s", de.Message)
}

// firstSentence is the first sentence of a deploy message (the rest is its Discord-worded
// summary, which the CLI words itself).
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// confirm asks a yes/no question on a terminal.
func confirm(in io.Reader, out io.Writer, question string) bool {
	fmt.Fprintf(out, "%s [y/N] ", question)
	var answer string
	_, _ = fmt.Fscanln(in, &answer)
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes"
}

// parseVersion accepts 3, v3 and v00000003.
func parseVersion(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.ToLower(s), "v"))
	if err != nil || n < 1 {
		return 0, usageError(fmt.Errorf("%q is not a version: use a number like 3 (or v3)", s))
	}
	return n, nil
}

func commandContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, cliTimeout)
}
