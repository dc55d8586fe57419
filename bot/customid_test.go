package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/wizard"
)

func TestCustomIDRoundTripAndLength(t *testing.T) {
	sid := wizard.NewSessionID("12345678901234567890")
	in := customID{SessionID: sid, Step: 8, Version: 1234567, Action: "sel", Arg: "parent"}
	s := in.String()
	if len(s) > maxCustomID {
		t.Fatalf("custom_id %q is %d characters", s, len(s))
	}
	out, err := parseCustomID(s)
	if err != nil || out != in {
		t.Fatalf("round trip: %+v, %v; want %+v", out, err, in)
	}
	for _, bad := range []string{"", "arr", "arr:x:1v1:next", "xyz:" + sid + ":1v1:next", "arr:" + sid + ":9v1:next",
		"arr:" + sid + ":1:next", "arr:" + sid + ":1v-1:next", "arr:" + sid + ":1v1:"} {
		if _, err := parseCustomID(bad); err == nil {
			t.Errorf("parseCustomID(%q) accepted", bad)
		}
	}
}

// Keys of a manifest written in YAML may hold capitals ("Holders"); controls that carry
// them (remove this channel, adopt on a collision) must parse, and nothing else may.
func TestCustomIDArgumentMayHoldManifestKeys(t *testing.T) {
	sid := wizard.NewSessionID("12345678901234567890")
	for _, arg := range []string{"Holders", "channel.VIP_lounge-2", "role.tier-1.1180000000000000001"} {
		in := customID{SessionID: sid, Step: 6, Version: 3, Action: "rm_chan", Arg: arg}
		if out, err := parseCustomID(in.String()); err != nil || out != in {
			t.Errorf("round trip of argument %q: %+v, %v", arg, out, err)
		}
	}
	for _, arg := range []string{"a b", "é", "a/b", "<@1>"} {
		if _, err := parseCustomID("arr:" + sid + ":6v3:rm_chan:" + arg); err == nil {
			t.Errorf("argument %q accepted", arg)
		}
	}
}

func TestCheckResponseCatchesEveryLimit(t *testing.T) {
	long := strings.Repeat("x", 101)
	btn := func(id string) discordgo.MessageComponent {
		return discordgo.Button{Label: "b", CustomID: id, Style: discordgo.PrimaryButton}
	}
	row := func(cs ...discordgo.MessageComponent) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: cs}
	}
	opts := make([]discordgo.SelectMenuOption, 26)
	for i := range opts {
		opts[i] = discordgo.SelectMenuOption{Label: "l", Value: string(rune('a' + i))}
	}
	msg := func(d discordgo.InteractionResponseData) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: &d}
	}
	cases := map[string]*discordgo.InteractionResponse{
		"custom_id":  msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{row(btn(long))}}),
		"6 buttons":  msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{row(btn("1"), btn("2"), btn("3"), btn("4"), btn("5"), btn("6"))}}),
		"6 rows":     msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{row(btn("1")), row(btn("2")), row(btn("3")), row(btn("4")), row(btn("5")), row(btn("6"))}}),
		"26 options": msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{row(discordgo.SelectMenu{CustomID: "s", Options: opts})}}),
		"select not alone": msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{
			row(discordgo.SelectMenu{CustomID: "s", Options: opts[:2]}, btn("1"))}}),
		"label":       msg(discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{row(discordgo.Button{Label: long, CustomID: "x"})}}),
		"content":     msg(discordgo.InteractionResponseData{Content: strings.Repeat("x", 2001)}),
		"embed title": msg(discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("x", 257)}}}),
		"field value": msg(discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: strings.Repeat("x", 1025)}}}}}),
		"embed total": msg(discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("x", 4000)}, {Description: strings.Repeat("x", 2001)}}}),
		"modal title": {Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{CustomID: "m", Title: strings.Repeat("x", 46),
			Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "a", Label: "a"})}}},
		"input label": {Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{CustomID: "m", Title: "t",
			Components: []discordgo.MessageComponent{row(discordgo.TextInput{CustomID: "a", Label: strings.Repeat("x", 46)})}}},
	}
	for name, r := range cases {
		if CheckResponse(r) == nil {
			t.Errorf("%s: limit not caught", name)
		}
	}
	ok := msg(discordgo.InteractionResponseData{Content: "fine", Components: []discordgo.MessageComponent{row(btn("1"), btn("2"))}})
	if err := CheckResponse(ok); err != nil {
		t.Errorf("a valid response was refused: %v", err)
	}
}
