package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot/metrics"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Another admin's session: /setup shows who owns it, with Take over… and Cancel their
// session…. Each asks to confirm first, naming that admin and what will be lost, and the
// confirm button carries a hash of the session state it described (DESIGN §5): when the
// session changed in between, nothing runs and the new state is shown for a fresh confirm.

// Ownership actions (step 0 controls).
const (
	actTakeOver   = "takeover"
	actTakeOverOK = "takeover_ok"
	actEndOther   = "cancel"
	actEndOtherOK = "cancel_ok"
	actOwnBack    = "own_back"
)

const msgSessionChanged = "That session changed since you looked, so nothing was done. Here is what it holds now."

// sessionHash is a short hash of what the confirmations show of a session: owner, step and
// answers. It binds a confirm button to that state.
func sessionHash(s *wizard.Session) string {
	b, _ := json.Marshal(struct {
		Owner string
		State wizard.State
		Data  wizard.SessionData
	}{s.OwnerID, s.State, s.Data})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// ownershipView tells a second admin who owns the session and since when.
func ownershipView(s *wizard.Session) view {
	text := fmt.Sprintf("<@%s> is running /setup in this server (since <t:%d:R>, now at step %d of %d — %s).\n"+
		"Take it over to continue where they are, or cancel it to start afresh. Either asks you to confirm first.",
		s.OwnerID, s.OwnerAt.Unix(), s.State.Step(), len(wizard.States), s.State.Title())
	return view{Content: text, Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		{Label: "Take over…", Style: discordgo.SuccessButton, CustomID: idOutsideStep(s, actTakeOver)},
		{Label: "Cancel their session…", Style: discordgo.DangerButton, CustomID: idOutsideStep(s, actEndOther)},
	})}}
}

// answersText words what a session holds, for the admin about to take it over or end it.
func answersText(s *wizard.Session) string {
	d := s.Data
	var parts []string
	if d.CommunityName != "" {
		parts = append(parts, "community **"+esc(d.CommunityName)+"**")
	}
	count := func(n int, one string) {
		if n == 1 {
			parts = append(parts, "1 "+one)
		} else if n > 1 {
			parts = append(parts, fmt.Sprintf("%d %ss", n, one))
		}
	}
	count(len(d.Chains), "chain")
	count(len(d.Assets), "asset")
	count(len(d.Tiers), "tier")
	count(len(d.CustomChannels), "custom channel")
	if len(parts) == 0 {
		return "no answers yet"
	}
	return strings.Join(parts, ", ")
}

// ownershipConfirmView asks to confirm a take-over or a cancel of s, naming its owner and
// what will be lost.
func ownershipConfirmView(s *wizard.Session, action, notice string) view {
	var text, label string
	switch action {
	case actTakeOverOK:
		label = "Take over"
		text = fmt.Sprintf("**Take over <@%s>'s setup?** You continue at step %d of %d — %s, with their answers (%s).\n"+
			"<@%s>'s wizard message stops working, and anything they are typing in an open form is lost.",
			s.OwnerID, s.State.Step(), len(wizard.States), s.State.Title(), answersText(s), s.OwnerID)
	default:
		label = "Cancel their session"
		text = fmt.Sprintf("**Cancel <@%s>'s setup?** Their answers are deleted and cannot be recovered: %s "+
			"(step %d of %d — %s). Nothing in the server changes.",
			s.OwnerID, answersText(s), s.State.Step(), len(wizard.States), s.State.Title())
	}
	if notice != "" {
		text = "⚠️ " + notice + "\n\n" + text
	}
	ok := customID{SessionID: s.ID, Step: 0, Version: s.Version, Action: action, Hash: sessionHash(s)}
	return view{Content: clip(text, maxContent), Components: []discordgo.MessageComponent{buttonRow([]discordgo.Button{
		{Label: label, Style: discordgo.DangerButton, CustomID: ok.String()},
		{Label: "Back", Style: discordgo.SecondaryButton, CustomID: idOutsideStep(s, actOwnBack)},
	})}}
}

// ownershipRows are every control the ownership messages offer for s as it is now.
func ownershipRows(s *wizard.Session) []discordgo.MessageComponent {
	rows := ownershipView(s).Components
	rows = append(rows, ownershipConfirmView(s, actTakeOverOK, "").Components...)
	return append(rows, ownershipConfirmView(s, actEndOtherOK, "").Components...)
}

// ownershipAction handles the ownership notice's controls. Any admin of the guild may use
// them; a confirm runs only while the session is as the confirmation described it.
func (b *Bot) ownershipAction(ctx context.Context, i *discordgo.Interaction, id customID) Reply {
	data := i.MessageComponentData()
	s, err := b.d.Sessions.Get(ctx, id.SessionID)
	if err != nil {
		return say(b.sentenceFor(err, "", zap.String("guild", i.GuildID)))
	}
	if s.GuildID != i.GuildID {
		return say(msgWrongGuild)
	}
	confirm := id.Action == actTakeOverOK || id.Action == actEndOtherOK
	if confirm && len(data.Values) == 0 && (s.Version != id.Version || id.Hash != sessionHash(s)) {
		return updateMessage(ownershipConfirmView(s, id.Action, msgSessionChanged))
	}
	if s.Version != id.Version {
		return updateMessage(ownershipView(s))
	}
	if refusal := offeredRefusal(ownershipRows(s), data); refusal != "" {
		return say(refusal)
	}
	user, name := userOf(i)
	switch id.Action {
	case actTakeOver:
		return updateMessage(ownershipConfirmView(s, actTakeOverOK, ""))
	case actEndOther:
		return updateMessage(ownershipConfirmView(s, actEndOtherOK, ""))
	case actOwnBack:
		return updateMessage(ownershipView(s))
	case actTakeOverOK:
		prev := s.OwnerID
		s, err = b.d.Sessions.TakeOver(ctx, s.ID, id.Version, user, name)
		if err != nil {
			return b.ownershipFailed(ctx, id, err, prev)
		}
		b.sessionEvent(metrics.SessionTakenOver, i, s.ID)
		return b.show(ctx, s, fmt.Sprintf("You took over this setup from <@%s>; their buttons no longer work.", prev), updateMessage)
	case actEndOtherOK:
		// Delete has no version check: claiming the session at the version shown first (a
		// compare-and-swap) makes sure what is deleted is what the confirmation described.
		mine, err := b.d.Sessions.TakeOver(ctx, s.ID, id.Version, user, name)
		if err != nil {
			return b.ownershipFailed(ctx, id, err, s.OwnerID)
		}
		if err := b.d.Sessions.Delete(ctx, mine.ID, store.EndCancelled); err != nil {
			return b.ownershipFailed(ctx, id, err, s.OwnerID)
		}
		b.sessionEvent(metrics.SessionCancelled, i, s.ID)
		return updateMessage(view{Content: "That setup session is cancelled. Run /setup to start your own."})
	}
	return say(msgUnknown)
}

// ownershipFailed answers a take-over or cancel that lost a race with the session's new
// state; anything else is a sentence.
func (b *Bot) ownershipFailed(ctx context.Context, id customID, err error, owner string) Reply {
	if store.IsCode(err, store.CodeConflict) {
		if cur, gerr := b.d.Sessions.Get(ctx, id.SessionID); gerr == nil {
			return updateMessage(ownershipConfirmView(cur, id.Action, msgSessionChanged))
		}
	}
	return say(b.sentenceFor(err, owner))
}
