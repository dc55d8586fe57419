package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"
)

// Reply is what the handler returns for one interaction: the initial response, sent at once,
// and optional work that runs after it (with the interaction's token still valid) and edits
// the message through Followups.
type Reply struct {
	Response *discordgo.InteractionResponse
	Later    func(ctx context.Context, edit EditFunc)
}

// EditFunc edits the interaction's @original message.
type EditFunc func(ctx context.Context, e *discordgo.WebhookEdit) error

// noMentions is attached to every message: the wizard never pings anyone.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// view is a rendered wizard message, before it becomes a response or an edit.
type view struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
}

func (v view) data() *discordgo.InteractionResponseData {
	comps := v.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	embeds := v.Embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	return &discordgo.InteractionResponseData{
		Content: v.Content, Embeds: embeds, Components: comps,
		Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
	}
}

func (v view) edit() *discordgo.WebhookEdit {
	d := v.data()
	return &discordgo.WebhookEdit{
		Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components,
		AllowedMentions: noMentions(),
	}
}

// newMessage answers with a new ephemeral message (type 4).
func newMessage(v view) Reply {
	return Reply{Response: &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource, Data: v.data(),
	}}
}

// updateMessage replaces the message the click came from (type 7).
func updateMessage(v view) Reply {
	return Reply{Response: &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage, Data: v.data(),
	}}
}

// say answers with a plain ephemeral sentence and leaves the wizard message alone.
func say(sentence string) Reply { return newMessage(view{Content: sentence}) }

// deferNew acknowledges a command (type 5, ephemeral) and renders the message later.
func deferNew(later func(ctx context.Context) view) Reply {
	return Reply{
		Response: &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		},
		Later: editLater(later),
	}
}

// deferUpdate acknowledges a click (type 6) and edits the message later.
func deferUpdate(later func(ctx context.Context) view) Reply {
	return Reply{
		Response: &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate},
		Later:    editLater(later),
	}
}

// modal opens a modal; it must be the first response, so nothing slow may precede it.
func modal(customID, title string, inputs ...discordgo.TextInput) Reply {
	rows := make([]discordgo.MessageComponent, len(inputs))
	for i, in := range inputs {
		rows[i] = discordgo.ActionsRow{Components: []discordgo.MessageComponent{in}}
	}
	return Reply{Response: &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: customID, Title: title, Components: rows},
	}}
}

// editLater is the Later of a deferred reply: compute the view, then edit @original.
func editLater(render func(ctx context.Context) view) func(ctx context.Context, edit EditFunc) {
	return func(ctx context.Context, edit EditFunc) {
		_ = edit(ctx, render(ctx).edit()) // the bound EditFunc logs its own failure
	}
}
