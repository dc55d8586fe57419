package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/bot"
	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/internal/config"
	"github.com/arrakis-bot/arrakis/web"
)

// The web view (package web) never imports bot: here it is handed what it needs — Access
// (may this user manage this guild? asked of Discord with the bot's session) and Drift
// (bot/deploy's drift report) — and the bot is handed the web view's link maker.

// newWebView builds the web view when web.base_url is set; nil otherwise (no pages, no
// "Open in browser" button).
func newWebView(cfg *config.Config, dg *discordgo.Session, st *stores, svc *deploy.Service, log *zap.Logger) (*web.Server, error) {
	if cfg.Web.BaseURL == "" {
		return nil, nil
	}
	proxies, err := cfg.Web.Proxies()
	if err != nil {
		return nil, usageError(fmt.Errorf("web.trusted_proxies: %w", err))
	}
	return web.New(web.Config{
		BaseURL: cfg.Web.BaseURL, TrustedProxies: proxies,
		Auth: st.Web, Shadow: st.Shadow, Access: discordAccess{dg}, Drift: webDrift{svc}, Log: log.Named("web"),
	})
}

// webLinks is what the bot gets: nil when there is no web view, so no button is offered.
func webLinks(w *web.Server) bot.WebLinks {
	if w == nil {
		return nil
	}
	return w
}

// mountWebView serves the web view under /web/ on mux, when there is one.
func mountWebView(mux *http.ServeMux, w *web.Server) {
	if w != nil {
		mux.Handle("/web/", w)
	}
}

// discordAccess answers web.Access from Discord: the guild (its owner and roles) and the
// member (their roles), as the bot sees them now.
type discordAccess struct{ dg *discordgo.Session }

func (a discordAccess) Member(ctx context.Context, guildID, userID string) (web.Membership, error) {
	g, err := a.dg.Guild(guildID, discordgo.WithContext(ctx))
	if err != nil {
		return web.Membership{}, accessErr("read the guild", guildID, err)
	}
	m, err := a.dg.GuildMember(guildID, userID, discordgo.WithContext(ctx))
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil && (rest.Message.Code == discordgo.ErrCodeUnknownMember || rest.Message.Code == discordgo.ErrCodeUnknownUser) {
		return web.Membership{GuildName: g.Name}, nil // not in the guild (any more): no permission
	}
	if err != nil {
		return web.Membership{}, accessErr("read the member", guildID, err)
	}
	return web.Membership{
		CanManage: g.OwnerID == userID || bot.IsAdminPermissions(memberPermissions(g, m)),
		GuildName: g.Name, UserName: memberName(m),
	}, nil
}

// memberPermissions are a member's guild-level permissions: @everyone's and those of each
// of their roles (channel overwrites do not matter for Manage Server).
func memberPermissions(g *discordgo.Guild, m *discordgo.Member) int64 {
	has := map[string]bool{g.ID: true}
	for _, r := range m.Roles {
		has[r] = true
	}
	var p int64
	for _, r := range g.Roles {
		if has[r.ID] {
			p |= r.Permissions
		}
	}
	return p
}

func memberName(m *discordgo.Member) string {
	switch {
	case m.Nick != "":
		return m.Nick
	case m.User == nil:
		return ""
	case m.User.GlobalName != "":
		return m.User.GlobalName
	}
	return m.User.Username
}

// accessErr turns Discord's "Unknown Guild" and "Missing Access" into web.ErrUnknownGuild.
func accessErr(what, guildID string, err error) error {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil {
		switch rest.Message.Code {
		case discordgo.ErrCodeUnknownGuild, discordgo.ErrCodeMissingAccess:
			return fmt.Errorf("%s %s: %w: %w", what, guildID, web.ErrUnknownGuild, err)
		}
	}
	return fmt.Errorf("%s %s: %w", what, guildID, err)
}

// webDrift answers web.Drift with bot/deploy's drift report.
type webDrift struct{ svc *deploy.Service }

func (d webDrift) Drift(ctx context.Context, guildID string) (*web.DriftReport, error) {
	dv, err := d.svc.Drift(ctx, guildID)
	switch deploy.ErrorCode(err) {
	case "":
	case deploy.CodeNoManifest, deploy.CodeNothingDeployed:
		return nil, web.ErrNothingDeployed
	case deploy.CodeNoAccess:
		return nil, fmt.Errorf("drift of guild %s: %w: %w", guildID, web.ErrUnknownGuild, err)
	default:
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	r := &web.DriftReport{Report: dv.Report}
	if dv.Desired != nil {
		r.DesiredID = dv.Desired.Meta.ID
	}
	if dv.Shadow != nil {
		r.ShadowID = dv.Shadow.Meta.ID
	}
	return r, nil
}
