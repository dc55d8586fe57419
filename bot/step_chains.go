package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 2, CHAIN_SELECT: the chains the community's tokens live on, as one multi-select.

func chainsStep() stepDef {
	return stepDef{ui: chainsUI, actions: map[string]actionFunc{
		actSelect + ":chains": (*Bot).selectChains,
	}}
}

func chainsUI(sc *stepCtx) stepUI {
	s := sc.s
	opts := make([]discordgo.SelectMenuOption, 0, len(wizard.KnownChains))
	for i, c := range wizard.KnownChains {
		opts = append(opts, discordgo.SelectMenuOption{
			Label: c.Name, Value: c.ID, Description: chainDescriptions[i], Default: slices.Contains(s.Data.Chains, c.ID),
		})
	}
	menu := selectMenu(s, "chains", "Choose one or more chains", opts)
	menu.MaxValues = len(opts)
	body := "Pick every chain your community's tokens live on. You can choose several."
	if len(s.Data.Chains) > 0 {
		body += "\nChosen: " + strings.Join(chainLines(s.Data.Chains), "") + "."
	}
	return stepUI{Body: body, Selects: []discordgo.SelectMenu{menu}}
}

// chainDescriptions are the options' descriptions, by KnownChains index (drawn on every click).
var chainDescriptions = func() []string {
	out := make([]string, len(wizard.KnownChains))
	for i, c := range wizard.KnownChains {
		out[i] = "EVM chain id " + strconv.FormatInt(c.ChainID, 10)
	}
	return out
}()

// selectChains stores the chosen chains at once: select values arrive with the click.
func (b *Bot) selectChains(ctx context.Context, c *click) Reply {
	if ps := wizard.ValidateChains(c.values); len(ps) > 0 {
		return b.show(ctx, c.s, problemList(ps), updateMessage)
	}
	c.s.Data.Chains = append([]string(nil), c.values...)
	return b.save(ctx, c, "")
}
