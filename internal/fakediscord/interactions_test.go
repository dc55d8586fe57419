package fakediscord

import (
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func slashCommand(g SeededGuild, name string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: g.ID, ChannelID: g.GeneralID,
		Data: discordgo.ApplicationCommandInteractionData{ID: "1", Name: name, CommandType: discordgo.ChatApplicationCommand},
	}
}

func TestInteractionResponseAndEdits(t *testing.T) {
	fd, g, s := setup(t)
	in, raw := fd.NewInteraction(slashCommand(g, "setup"))
	if in.ID == "" || in.Token == "" || in.AppID != fd.ApplicationID() || len(raw) == 0 {
		t.Fatalf("interaction not completed: %+v", in)
	}
	if in.Member == nil || in.Member.User.ID != g.OwnerID || in.Member.Permissions&discordgo.PermissionAdministrator == 0 {
		t.Errorf("default member should be the owner with all permissions: %+v", in.Member)
	}
	err := s.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: "Step 1 of 8", Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{},
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Next", Style: discordgo.PrimaryButton, CustomID: "arr:s1:1:next"},
			}}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	cbs := fd.Callbacks(in.ID)
	if len(cbs) != 1 || cbs[0].Type != discordgo.InteractionResponseChannelMessageWithSource || cbs[0].Status != 204 {
		t.Fatalf("callbacks %+v", cbs)
	}
	orig := fd.Original(in.Token)
	if orig == nil || orig.Content != "Step 1 of 8" || orig.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("original %+v", orig)
	}
	btn := orig.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.Button)
	if btn.CustomID != "arr:s1:1:next" {
		t.Errorf("button %+v", btn)
	}
	// A second initial response is refused, as on Discord.
	err = s.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
	restErr(t, err, 400, 40060)

	content := "Step 2 of 8"
	if _, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content}); err != nil {
		t.Fatal(err)
	}
	if got := fd.Original(in.Token); got.Content != content || len(got.Components) != 1 {
		t.Errorf("after edit %+v", got)
	}
	msg, err := s.InteractionResponse(in)
	if err != nil || msg.ID != orig.ID {
		t.Errorf("GET @original = %v, %v", msg, err)
	}
	f, err := s.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "Deploy started", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FollowupMessageEdit(in, f.ID, &discordgo.WebhookEdit{Content: ptr("Deploy done")}); err != nil {
		t.Fatal(err)
	}
	if fu := fd.Followups(in.Token); len(fu) != 1 || fu[0].Content != "Deploy done" {
		t.Errorf("followups %+v", fu)
	}

	// A button click on that message: UPDATE_MESSAGE changes the same message.
	click, _ := fd.NewInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, GuildID: g.ID, ChannelID: g.GeneralID,
		Message: &discordgo.Message{ID: orig.ID},
		Data:    discordgo.MessageComponentInteractionData{CustomID: "arr:s1:2:next", ComponentType: discordgo.ButtonComponent},
	})
	if click.Message == nil || click.Message.Content != content {
		t.Errorf("component interaction should carry the stored message: %+v", click.Message)
	}
	err = s.InteractionRespond(click, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "Step 3 of 8", Components: []discordgo.MessageComponent{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := fd.Original(click.Token); got == nil || got.ID != orig.ID || got.Content != "Step 3 of 8" || len(got.Components) != 0 {
		t.Errorf("after UPDATE_MESSAGE %+v", got)
	}
	if got := fd.Original(in.Token); got.Content != "Step 3 of 8" {
		t.Errorf("the first token's @original is the same message: %q", got.Content)
	}

	// A modal.
	open, _ := fd.NewInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent, GuildID: g.ID, ChannelID: g.GeneralID,
		Message: &discordgo.Message{ID: orig.ID},
		Data:    discordgo.MessageComponentInteractionData{CustomID: "arr:s1:3:edit", ComponentType: discordgo.ButtonComponent},
	})
	err = s.InteractionRespond(open, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: "arr:s1:3:modal", Title: "Community name", Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: "name", Label: "Name", Style: discordgo.TextInputShort, Value: "Dune"}}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	modal, err := fd.Callbacks(open.ID)[0].Modal()
	if err != nil {
		t.Fatal(err)
	}
	ti := modal.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput)
	if modal.CustomID != "arr:s1:3:modal" || ti.Value != "Dune" {
		t.Errorf("modal %+v input %+v", modal, ti)
	}

	fd.ExpireInteraction(in.Token)
	_, err = s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content})
	restErr(t, err, 401, 50027)
	if err := s.InteractionResponseDelete(click); err != nil {
		t.Fatal(err)
	}
	if fd.Original(click.Token) != nil {
		t.Error("deleted @original still returned")
	}
}

func TestDeferredThenEdit(t *testing.T) {
	fd, g, s := setup(t)
	in, _ := fd.NewInteraction(slashCommand(g, "drift"))
	_, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: ptr("too early")})
	restErr(t, err, 404, 10015)
	if err := s.InteractionRespond(in, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}); err != nil {
		t.Fatal(err)
	}
	if got := fd.Original(in.Token); got == nil || got.Flags&discordgo.MessageFlagsLoading == 0 {
		t.Fatalf("deferred original should be loading: %+v", got)
	}
	if _, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Embeds: &[]*discordgo.MessageEmbed{{Title: "No drift",
		Fields: []*discordgo.MessageEmbedField{{Name: "Roles", Value: "ok"}}}}}); err != nil {
		t.Fatal(err)
	}
	got := fd.Original(in.Token)
	if got.Flags&discordgo.MessageFlagsLoading != 0 || got.Flags&discordgo.MessageFlagsEphemeral == 0 || got.Embeds[0].Title != "No drift" || got.Embeds[0].Type != "rich" {
		t.Errorf("after edit %+v", got)
	}
	// UPDATE_MESSAGE is not valid for a slash command.
	in2, _ := fd.NewInteraction(slashCommand(g, "drift"))
	err = s.InteractionRespond(in2, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{Content: "x"}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 {
		t.Errorf("type 7 for a command: %v", err)
	}
}

func TestAcknowledgeHTTP(t *testing.T) {
	fd, g, s := setup(t)
	in, _ := fd.NewInteraction(slashCommand(g, "setup"))
	if err := fd.AcknowledgeHTTP(in.ID, []byte(`{"type":4,"data":{"content":"hello","flags":64}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: ptr("edited")}); err != nil {
		t.Fatal(err)
	}
	if got := fd.Original(in.Token); got.Content != "edited" {
		t.Errorf("original %q", got.Content)
	}
	if err := fd.AcknowledgeHTTP(in.ID, []byte(`{"type":4,"data":{"content":"again"}}`)); err == nil {
		t.Error("second acknowledgement accepted")
	}
}
