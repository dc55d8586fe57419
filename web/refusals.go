package web

import (
	"net/http"
)

// A refusal is a plain sentence and a status. Refusal pages carry no guild data: not its
// name, not its id, nothing from its manifest.
type refusal struct {
	status int
	title  string
	text   string
}

const getNewLink = "Run /drift in the server on Discord and press “Open in browser” for a new link."

var (
	refuseLinkUsed = refusal{http.StatusGone, "Link already used",
		"This sign-in link was already used, or it is not a link Arrakis made. Each link works once. " + getNewLink}
	refuseLinkExpired = refusal{http.StatusGone, "Link expired",
		"This sign-in link has expired: links work for 10 minutes after Arrakis made them. " + getNewLink}
	refuseNotSignedIn = refusal{http.StatusUnauthorized, "Not signed in",
		"You are not signed in to this server's web view. " + getNewLink}
	refuseSessionEnded = refusal{http.StatusUnauthorized, "Signed out",
		"Your sign-in has ended (after a while unused, or at its time limit) or is not valid. " + getNewLink}
	refuseWrongGuild = refusal{http.StatusForbidden, "Another server",
		"This sign-in is for another server, so this page cannot be shown with it. " + getNewLink}
	refuseIPMismatch = refusal{http.StatusForbidden, "Another network address",
		"This sign-in belongs to the network address that opened the link, and this request comes from another one, so it was refused. Open a new link on this device: run /drift in Discord and press “Open in browser”."}
	refuseNoPermission = refusal{http.StatusForbidden, "No permission",
		"You need the Manage Server permission in that server to see its web view. Ask an admin of the server for it, then open a new link."}
	refuseUnknownGuild = refusal{http.StatusNotFound, "Unknown server",
		"Arrakis is not in that server, or can no longer see it, so there is nothing to show. Add the bot to the server again, or check its access."}
	refuseCrossSite = refusal{http.StatusForbidden, "Sent from another site",
		"This form was sent from another site, so nothing was done. Open the link from Discord again."}
	refuseBadForm = refusal{http.StatusBadRequest, "Bad request",
		"That request is not one this page sends. Open the link from Discord again."}
	refuseUnavailable = refusal{http.StatusServiceUnavailable, "Try again",
		"The web view cannot reach its store or Discord right now. Try again in a minute."}
	refuseNotFound = refusal{http.StatusNotFound, "Not found",
		"There is no such page. Open the web view from Discord: run /drift and press “Open in browser”."}
	refuseInternal = refusal{http.StatusInternalServerError, "Something went wrong",
		"Something went wrong on our side, and it was logged. Try again in a minute."}
)

// refuse answers with the refusal's page.
func (s *Server) refuse(w http.ResponseWriter, _ *http.Request, f refusal) {
	s.render(w, f.status, "refusal", page{Title: f.title, Message: f.text})
}
