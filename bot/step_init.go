package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

// Step 1, INIT: the community's name.

func initStep() stepDef {
	return stepDef{ui: initUI, actions: fromServerActions()}
}

func initUI(sc *stepCtx) stepUI {
	s := sc.s
	if ui, ok := fromServerUI(sc); ok {
		return ui
	}
	body := "Name your community. Members see this name in Arrakis's messages."
	label := "Set name…"
	if s.Data.CommunityName != "" {
		body = "Community name: **" + esc(s.Data.CommunityName) + "**. Change it, or press Next."
		label = "Change name…"
	}
	if s.Data.EditOf != "" {
		body = "Your server already has a deployed setup (" + versionWords(s.Data.EditOf) + "). Every step is " +
			"pre-filled from it: change what you need, and Review shows what will change.\n\n" + body
	}
	ui := stepUI{Body: body, Buttons: []discordgo.Button{button(s, label, discordgo.SuccessButton, actOpen, "name")}}
	if s.Data.EditOf != "" {
		ui.Buttons = append(ui.Buttons, rollbackButton(s.GuildID))
	}
	ui.Buttons = append(ui.Buttons, fromServerButton(s)...)
	return ui
}

func nameModal() modalDef {
	return modalDef{
		name: "name", state: wizard.StateInit,
		title: func(*wizard.Session) string { return "Community name" },
		inputs: func(*wizard.Session) []inputDef {
			return []inputDef{{ID: "name", Label: "Community name", Placeholder: "e.g. Honey Jar Holders", Required: true, Max: 100}}
		},
		prefill: func(s *wizard.Session) map[string]string {
			return map[string]string{"name": s.Data.CommunityName}
		},
		apply: func(s *wizard.Session, in map[string]string) wizard.Problems {
			clean, ps := wizard.ValidateCommunityName(in["name"])
			if len(ps) == 0 {
				s.Data.CommunityName = clean
			}
			return ps
		},
	}
}

// versionWords writes a snapshot id as people say it: "v00000003" → "version 3".
func versionWords(id string) string {
	n := strings.TrimLeft(strings.TrimPrefix(id, "v"), "0")
	if n == "" || strings.Trim(n, "0123456789") != "" {
		return "the deployed version"
	}
	return "version " + n
}
