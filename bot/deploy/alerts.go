package deploy

// Alerts belong to one guild (DESIGN §6). A deploy's result and a scheduled drift report go
// to the alert channel of that guild's manifest (alerts.channel); without one, by DM to the
// last admin who deployed from Discord; when there is nobody to send it to, or Discord
// refuses the post, the alert is kept in the shadow store and /drift, /setup and
// `arrakis drift` show it until it is delivered or a later alert supersedes it.
//
// An alert counts as sent only once Discord accepted the message. Each is posted with a
// nonce fixed when the alert is made and enforce_nonce, so a retry of a post whose answer
// was lost (Discord applied it, the connection dropped) returns the first message instead
// of posting a second one. A failed post is retried at the next drift check.

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// Why a kept alert was not delivered; the bot and the CLI word each for their surface.
const (
	AlertNoTarget       = "no_target"       // no alert channel and no admin who deployed from Discord
	AlertDMRefused      = "dm_refused"      // the admin does not accept DMs from the bot (50007)
	AlertChannelRefused = "channel_refused" // the bot may not post in the alert channel (403)
	AlertPostFailed     = "post_failed"     // Discord did not answer or failed (5xx, network)
)

// maxNonce is Discord's limit on a message nonce string.
const maxNonce = 25

// maxDeployerLookups bounds how many versions are read, newest first, to find the last
// admin who deployed from Discord.
const maxDeployerLookups = 50

// alertNonce derives the message nonce from the guild, what the alert is about and the
// time slot it was made in: the same alert always posts with the same nonce, and an alert
// made again later (drift that went away and came back) gets a new one.
func alertNonce(guildID, subject string, slot int64) string {
	sum := sha256.Sum256([]byte(guildID + "\x00" + subject + "\x00" + strconv.FormatInt(slot, 10)))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:maxNonce]
}

// newAlert makes an alert for guildID; dmUser is who gets it by DM when the manifest has no
// alert channel.
func (s *Service) newAlert(guildID string, kind store.AlertKind, subject, text, dmUser string) *store.Alert {
	now := s.cfg.Now().UTC()
	slot := now.Unix()
	if iv := s.cfg.DriftInterval; iv > 0 {
		slot = now.UnixNano() / int64(iv)
	}
	return &store.Alert{
		GuildID: guildID, Kind: kind, Subject: subject, Text: clipMessage(text),
		Nonce: alertNonce(guildID, subject, slot), CreatedAt: now, DMUser: dmUser,
	}
}

// KeptAlert is the guild's alert that still waits for delivery, or nil. A failed read is
// logged and treated as none: it must never stop /drift or /setup from answering.
func (s *Service) KeptAlert(ctx context.Context, guildID string) *store.Alert {
	a, err := s.cfg.Shadow.Alert(ctx, guildID)
	if err != nil {
		if !store.IsCode(err, store.CodeNotFound) {
			s.log.Warn("read the kept alert failed", zap.String("guild", guildID), zap.Error(err))
		}
		return nil
	}
	if !a.Pending() {
		return nil
	}
	return a
}

// notify raises a deploy's alert for guildID and tries to deliver it at once. by is who
// deployed: a Discord user gets the DM when the manifest has no alert channel.
func (s *Service) notify(ctx context.Context, guildID string, m *wizard.Manifest, by, subject, text string) {
	if s.dg == nil || text == "" {
		return
	}
	dmUser := ""
	if m.AlertChannel() == "" {
		dmUser = s.lastDiscordDeployer(ctx, guildID, by)
	}
	if dmUser != "" {
		// A DM arrives outside the server: name it.
		if name := s.guildName(ctx, guildID); name != "" {
			text = strings.Replace(text, thisServer, "the server **"+name+"**", 1)
		}
	}
	s.deliver(ctx, s.newAlert(guildID, store.AlertDeploy, subject, text, dmUser), m)
}

// lastDiscordDeployer is by when it is a Discord user, else the newest deployment record
// made from Discord ("" when there is none).
func (s *Service) lastDiscordDeployer(ctx context.Context, guildID, by string) string {
	if isSnowflake(by) {
		return by
	}
	metas, err := s.cfg.Shadow.List(ctx, guildID)
	if err != nil {
		s.log.Warn("list versions to find who to send an alert to", zap.String("guild", guildID), zap.Error(err))
		return ""
	}
	for i, meta := range metas { // newest first
		if i == maxDeployerLookups {
			break
		}
		snap, err := s.cfg.Shadow.Get(ctx, guildID, meta.ID)
		if err != nil {
			s.log.Warn("read a version to find who to send an alert to", zap.String("guild", guildID), zap.String("snapshot", meta.ID), zap.Error(err))
			return ""
		}
		if d := snap.Deployment; d != nil && isSnowflake(d.DeployedBy) {
			return d.DeployedBy
		}
	}
	return ""
}

// deliver posts a to the guild's alert channel (m's alerts.channel) or to its DM user, and
// saves where it stands: delivered once Discord accepted it, otherwise kept with the
// reason. It reports whether the alert was delivered.
func (s *Service) deliver(ctx context.Context, a *store.Alert, m *wizard.Manifest) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	channel := m.AlertChannel()
	if channel == "" && a.DMUser == "" && a.Problem == AlertNoTarget && a.Attempts > 0 {
		return false // still nobody to send it to: nothing to try, nothing to save
	}
	a.Attempts++
	a.Problem = ""
	switch {
	case channel != "":
	case a.DMUser == "":
		a.Problem = AlertNoTarget
	default:
		var dm *discordgo.Channel
		err := s.withRateLimitRetry(ctx, func() (err error) {
			dm, err = s.dg.UserChannelCreate(a.DMUser, s.requestOptions(ctx)...)
			return err
		})
		if err != nil {
			a.Problem = alertProblem(err, true)
			s.log.Warn("open a DM for an alert failed; the alert is kept", zap.String("guild", a.GuildID), zap.String("user", a.DMUser), zap.Error(err))
		} else {
			channel = dm.ID
		}
	}
	if channel != "" {
		msg, err := s.postAlert(ctx, channel, a)
		if err != nil {
			a.Problem = alertProblem(err, m.AlertChannel() == "")
			s.log.Warn("post an alert failed; it is kept and retried at the next check",
				zap.String("guild", a.GuildID), zap.String("channel", channel), zap.Int("attempt", a.Attempts), zap.Error(err))
		} else {
			a.Problem, a.DeliveredAt, a.DeliveredTo, a.MessageID = "", s.cfg.Now().UTC(), channel, msg.ID
		}
	}
	if err := s.cfg.Shadow.SaveAlert(ctx, a.GuildID, a); err != nil {
		s.log.Warn("save the alert failed", zap.String("guild", a.GuildID), zap.Bool("delivered", !a.DeliveredAt.IsZero()), zap.Error(err))
	}
	return !a.DeliveredAt.IsZero()
}

// alertProblem classifies a failed DM or post.
func alertProblem(err error, dm bool) string {
	status, code := restStatus(err)
	switch {
	case code == 50007:
		return AlertDMRefused
	case status == 403 || status == 404 || code == 50001 || code == 50013 || code == 10003:
		if dm {
			return AlertDMRefused
		}
		return AlertChannelRefused
	}
	return AlertPostFailed
}

// alertMessage is the body of an alert post. discordgo v0.29.0's MessageSend has no nonce,
// so the request is sent through the session's REST client directly.
type alertMessage struct {
	Content         string                            `json:"content"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
}

// postAlert posts a's text to channelID with its nonce enforced. Mentions render but
// ping nobody.
func (s *Service) postAlert(ctx context.Context, channelID string, a *store.Alert) (*discordgo.Message, error) {
	body := alertMessage{
		Content:         a.Text,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Nonce:           a.Nonce, EnforceNonce: true,
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	var raw []byte
	err := s.withRateLimitRetry(ctx, func() (err error) {
		raw, err = s.dg.RequestWithBucketID("POST", endpoint, body, endpoint, s.requestOptions(ctx)...)
		return err
	})
	if err != nil {
		return nil, err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(raw, &msg); err != nil || msg.ID == "" {
		if err == nil {
			err = errors.New("the answer has no message id")
		}
		return nil, fmt.Errorf("decode the posted alert: %w", err)
	}
	return &msg, nil
}

// clipMessage keeps a message within Discord's 2,000 characters.
func clipMessage(text string) string {
	if len(text) <= 2000 {
		return text
	}
	text = text[:1990]
	for !utf8Valid(text) {
		text = text[:len(text)-1]
	}
	return text + "…"
}

// AlertProblemText words why an alert was kept, for Discord (mentions, slash-command
// advice).
func AlertProblemText(a *store.Alert, alertChannel string) string {
	switch a.Problem {
	case AlertNoTarget:
		return "No alert channel is set and no admin has deployed from Discord, so there was nobody to send it to. Choose an alert channel in /setup (step 6)."
	case AlertDMRefused:
		return "<@" + a.DMUser + "> does not accept direct messages from this bot. Choose an alert channel in /setup (step 6), or allow DMs from server members."
	case AlertChannelRefused:
		where := "the alert channel"
		if alertChannel != "" {
			where = "<#" + alertChannel + ">"
		}
		return "The bot may not post in " + where + ": give it View Channel, Send Messages and Embed Links there (the alert is retried at the next check), or choose another alert channel in /setup (step 6)."
	}
	return "Discord did not accept the alert; it is retried at the next check."
}

// guildName is the guild's name for a DM: from the gateway state when it has it, else read
// once from Discord; "" when neither answers.
func (s *Service) guildName(ctx context.Context, guildID string) string {
	if st := s.dg.State; st != nil {
		if g, err := st.Guild(guildID); err == nil && g.Name != "" {
			return escapeName(g.Name)
		}
	}
	var g *discordgo.Guild
	err := s.withRateLimitRetry(ctx, func() (err error) {
		g, err = s.dg.Guild(guildID, s.requestOptions(ctx)...)
		return err
	})
	if err != nil || g == nil {
		return ""
	}
	return escapeName(g.Name)
}

// escapeName shows a server name literally in Markdown.
func escapeName(n string) string { return wizard.EscapeMarkdown(n) }
