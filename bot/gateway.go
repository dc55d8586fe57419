package bot

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway mode: discordgo's websocket session delivers INTERACTION_CREATE events and the
// bot answers through the REST callback endpoint. The same handler as HTTP mode runs.

// AttachGateway registers the interaction handler on a discordgo session. ctx bounds the
// work started by events (cancelled at shutdown).
// Answers go through a sibling session (CallbackSession), so they never wait on a rate
// limit another request of the process met.
func (b *Bot) AttachGateway(ctx context.Context, s *discordgo.Session) func() {
	callbacks := CallbackSession(s)
	return s.AddHandler(func(_ *discordgo.Session, ev *discordgo.InteractionCreate) {
		b.onGatewayInteraction(ctx, callbacks, ev.Interaction)
	})
}

// CallbackSession is a session for interaction callbacks and their edits: the same token and
// HTTP client as s, but a rate limiter of its own and no retry on 429. Discord exempts
// interaction endpoints from the global rate limit, while discordgo's limiter makes every
// request of a session sleep (without bound, ignoring the context) once one of them met a
// global 429: sharing s's limiter would hold an interaction's answer past its 3 seconds.
func CallbackSession(s *discordgo.Session) *discordgo.Session {
	cs, err := discordgo.New(s.Token)
	if err != nil { // discordgo.New fails on nothing for a bot token; keep s rather than panic
		return s
	}
	cs.Client, cs.UserAgent = s.Client, s.UserAgent
	cs.ShouldRetryOnRateLimit = false
	cs.MaxRestRetries = 0
	return cs
}

func (b *Bot) onGatewayInteraction(ctx context.Context, s *discordgo.Session, i *discordgo.Interaction) {
	// Counted as background work from the start, so Wait covers the reply's Later too.
	b.background.Add(1)
	defer b.background.Done()
	reply, first := b.deliver(ctx, i, "gateway")
	if !first || reply.Response == nil {
		return
	}
	if err := s.InteractionRespond(i, reply.Response, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0)); err != nil {
		b.d.Log.Warn("interaction response", append(interactionFields(i), tokenFreeError(err, i))...)
		return
	}
	b.runLater(ctx, i, reply)
}

// SessionFollowups edits interaction responses through a discordgo session's REST client.
type SessionFollowups struct{ S *discordgo.Session }

// EditOriginal edits the interaction's @original message. In HTTP mode the edit can reach
// Discord a moment before Discord has taken the HTTP answer that created the message
// ("Unknown Webhook"); that one error is retried briefly.
func (f SessionFollowups) EditOriginal(ctx context.Context, i *discordgo.Interaction, e *discordgo.WebhookEdit) error {
	wait := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		_, err := f.S.InteractionResponseEdit(i, e, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		if err == nil || attempt == 4 || !isUnknownWebhook(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
			wait *= 2
		}
	}
}

func isUnknownWebhook(err error) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == discordgo.ErrCodeUnknownWebhook
}
