package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// tricky holds what encoding/json escapes: quotes, backslashes, HTML characters, control
// characters, U+2028/U+2029, invalid UTF-8, and plain non-ASCII.
const tricky = "a \"q\" \\ <#123> & <@&9> \b\f\n\r\t\x00\x1f \u2028\u2029 \xff\xfe ✅ ⚠️ 🐝 é"

// checkResponseJSON asserts that the direct encoder writes r byte for byte as encoding/json
// does, or declines it (then encoding/json writes it).
func checkResponseJSON(t *testing.T, what string, r *discordgo.InteractionResponse, wantDirect bool) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("%s: encoding/json: %v", what, err)
	}
	got, ok := appendResponse(nil, r)
	if ok != wantDirect {
		t.Fatalf("%s: written directly = %v, want %v", what, ok, wantDirect)
	}
	if ok && !bytes.Equal(got, want) {
		t.Fatalf("%s: direct encoding differs from encoding/json\n got %s\nwant %s", what, got, want)
	}
	enc, err := encodeResponse(nil, r)
	if err != nil || !bytes.Equal(enc, append(want, '\n')) {
		t.Fatalf("%s: encodeResponse = %s, %v; want %s", what, enc, err, want)
	}
}

func TestResponseJSONMatches(t *testing.T) {
	one, two := 1, 0
	full := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
		TTS: true, Content: tricky, Flags: discordgo.MessageFlagsEphemeral,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeRoles},
			Roles: []string{"1", tricky}, Users: []string{"2"}, RepliedUser: true},
		Embeds: []*discordgo.MessageEmbed{
			{URL: "https://x/?a=1&b=<2>", Type: discordgo.EmbedTypeRich, Title: tricky, Description: tricky, Timestamp: "2026-11-30T00:00:00Z", Color: 0x5865F2,
				Footer:    &discordgo.MessageEmbedFooter{Text: tricky, IconURL: "i", ProxyIconURL: "p"},
				Image:     &discordgo.MessageEmbedImage{URL: "u", ProxyURL: "p", Width: 3, Height: 4},
				Thumbnail: &discordgo.MessageEmbedThumbnail{},
				Author:    &discordgo.MessageEmbedAuthor{URL: "u", Name: tricky, IconURL: "i", ProxyIconURL: "p"},
				Fields:    []*discordgo.MessageEmbedField{{Name: tricky, Value: "v", Inline: true}, nil, {}}},
			nil,
			{},
		},
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{ID: 7, Components: []discordgo.MessageComponent{
				discordgo.Button{Label: tricky, CustomID: "arr:1.a:2v3:next"},
				&discordgo.Button{Label: "L", Style: discordgo.LinkButton, URL: "https://x/?a&b", Disabled: true, ID: 9,
					Emoji: &discordgo.ComponentEmoji{Name: "🐝", ID: "5", Animated: true}},
				discordgo.Button{Style: discordgo.PremiumButton, SKUID: "11", Emoji: &discordgo.ComponentEmoji{}},
				nil,
			}},
			&discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.SelectMenu{CustomID: "arr:1.a:2v3:sel:chains", Placeholder: tricky, MinValues: &one, MaxValues: 3,
					Options: []discordgo.SelectMenuOption{{Label: "Ethereum", Value: "ethereum", Description: tricky, Default: true,
						Emoji: &discordgo.ComponentEmoji{Name: "e"}}, {Value: "base"}}},
			}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				&discordgo.SelectMenu{MenuType: discordgo.ChannelSelectMenu, CustomID: "c", MinValues: &two, Disabled: true,
					ChannelTypes:  []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildCategory},
					DefaultValues: []discordgo.SelectMenuDefaultValue{{ID: "3", Type: discordgo.SelectMenuDefaultValueChannel}}, ID: 4},
				discordgo.SelectMenu{MenuType: discordgo.RoleSelectMenu},
			}},
			discordgo.ActionsRow{},
		},
	}}
	checkResponseJSON(t, "every field", full, true)

	modal := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: "arr:1.a:1v2:modal:name", Title: tricky, Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "name", Label: tricky, Style: discordgo.TextInputShort,
				Placeholder: "p", Value: tricky, Required: true, MinLength: 1, MaxLength: 100, ID: 2}}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: "x", Style: discordgo.TextInputParagraph}}},
		}}}
	checkResponseJSON(t, "modal", modal, true)
	checkResponseJSON(t, "pong", &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, true)
	checkResponseJSON(t, "deferred", deferNew(nil).Response, true)
	checkResponseJSON(t, "sentence", say(tricky).Response, true)
	checkResponseJSON(t, "empty view", updateMessage(view{}).Response, true)
	checkResponseJSON(t, "nil", nil, true)
	checkResponseJSON(t, "no data", &discordgo.InteractionResponse{}, true)

	// What the direct encoder does not write goes through encoding/json, whole.
	for what, r := range map[string]*discordgo.InteractionResponse{
		"choices": {Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: &discordgo.InteractionResponseData{
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "b"}}}},
		"poll":        {Type: 4, Data: &discordgo.InteractionResponseData{Poll: &discordgo.Poll{}}},
		"attachments": {Type: 4, Data: &discordgo.InteractionResponseData{Attachments: &[]*discordgo.MessageAttachment{}}},
		"video":       {Type: 4, Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Video: &discordgo.MessageEmbedVideo{URL: "v"}}}}},
		"provider":    {Type: 4, Data: &discordgo.InteractionResponseData{Embeds: []*discordgo.MessageEmbed{{Provider: &discordgo.MessageEmbedProvider{Name: "p"}}}}},
		"other component": {Type: 4, Data: &discordgo.InteractionResponseData{Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Separator{}}}}}},
	} {
		checkResponseJSON(t, what, r, false)
	}
}

// FuzzResponseJSON: any text in any string field is written as encoding/json writes it.
func FuzzResponseJSON(f *testing.F) {
	for _, s := range []string{"", tricky, "plain", "\u2028", "\xed\xa0\x80", "<script>&amp;</script>"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		r := updateMessage(view{Content: a, Embeds: []*discordgo.MessageEmbed{{Title: b, Description: a,
			Fields: []*discordgo.MessageEmbedField{{Name: a, Value: b}}, Footer: &discordgo.MessageEmbedFooter{Text: b}}},
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: a, CustomID: b},
				discordgo.SelectMenu{CustomID: a, Placeholder: b, Options: []discordgo.SelectMenuOption{{Label: a, Value: b, Description: a}}}}}}}).Response
		checkResponseJSON(t, "fuzz", r, true)
	})
}

// Every wizard step the at-a-glance walk shows is written byte for byte as encoding/json
// writes it (glance calls this on each).
func checkFrameJSON(t *testing.T, what string, e *E2E) {
	t.Helper()
	checkResponseJSON(t, what, updateMessage(e.Bot.frame(context.Background(), e.Session(), "", nil)).Response, true)
	checkResponseJSON(t, what+" with a notice", updateMessage(e.Bot.frame(context.Background(), e.Session(), tricky, nil)).Response, true)
}
