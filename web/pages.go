package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
)

// maxHistory bounds the versions the history page reads (newest first).
const maxHistory = 100

// page is every template's data; each page fills its part.
type page struct {
	Title   string
	Message string // refusal and notice pages
	Token   string // the sign-in page
	V       *viewer
	Active  string // "drift", "history", "manifest": the highlighted tab

	Drift    *driftData
	History  []historyRow
	Versions []int
	Diff     *diffData
	Manifest *manifestData
}

type driftData struct {
	Nothing   bool // nothing deployed yet
	DesiredID string
	ShadowID  string
	Total     int
	Groups    []driftGroup
	CheckedAt string
}

type driftGroup struct {
	Severity string // "error", "warning", "info": the CSS class
	Heading  string
	Hint     string
	Items    []driftRow
}

type driftRow struct {
	What, Name, Field, Expected, Actual string
}

var severityGroups = []struct {
	sev           drift.Severity
	heading, hint string
}{
	{drift.SeverityError, "Errors", "Managed roles or channels are missing."},
	{drift.SeverityWarning, "Warnings", "Who can see or do what has changed, or the setup has changes not yet deployed."},
	{drift.SeverityInfo, "Info", "Cosmetic differences, or things Arrakis made that the setup no longer wants."},
}

var itemPhrases = map[drift.ItemType]string{
	drift.RoleMissing: "Role missing", drift.RoleExtra: "Role no longer in the setup", drift.RoleMismatch: "Role changed",
	drift.ChannelMissing: "Channel missing", drift.ChannelExtra: "Channel no longer in the setup",
	drift.ChannelMismatch: "Channel changed", drift.ConfigMismatch: "Setup changed but not deployed",
}

func (s *Server) redirectToDrift(w http.ResponseWriter, r *http.Request, v viewer) {
	http.Redirect(w, r, "/web/g/"+v.GuildID+"/drift", http.StatusSeeOther)
}

func (s *Server) driftPage(w http.ResponseWriter, r *http.Request, v viewer) {
	rep, err := s.cfg.Drift.Drift(r.Context(), v.GuildID)
	d := &driftData{CheckedAt: stamp(s.now())}
	switch {
	case errors.Is(err, ErrNothingDeployed):
		d.Nothing = true
	case errors.Is(err, ErrUnknownGuild):
		s.refuse(w, r, refuseUnknownGuild)
		return
	case err != nil:
		s.cfg.Log.Warn("web: drift report", zap.String("guild", v.GuildID), zap.Error(err))
		s.refuse(w, r, refuseUnavailable)
		return
	default:
		d.DesiredID, d.ShadowID, d.Total = shortID(rep.DesiredID), shortID(rep.ShadowID), len(rep.Report.Items)
		for _, g := range severityGroups {
			grp := driftGroup{Severity: string(g.sev), Heading: g.heading, Hint: g.hint}
			for _, it := range rep.Report.Items {
				if it.Severity == g.sev {
					grp.Items = append(grp.Items, driftRow{What: itemPhrases[it.Type], Name: it.Name, Field: it.Field,
						Expected: orNothing(it.Expected), Actual: orNothing(it.Actual)})
				}
			}
			if len(grp.Items) > 0 {
				d.Groups = append(d.Groups, grp)
			}
		}
	}
	s.render(w, http.StatusOK, "drift", page{Title: "Drift", V: &v, Active: "drift", Drift: d})
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

type historyRow struct {
	Version    int
	ID         string
	Who        string
	When       string
	Why        string
	Deployed   bool
	DeployedAt string
	DeployedBy string
	Previous   int // version to diff against (0 = none)
}

func (s *Server) historyPage(w http.ResponseWriter, r *http.Request, v viewer) {
	ctx := r.Context()
	metas, err := s.cfg.Shadow.List(ctx, v.GuildID)
	if err != nil && !store.IsCode(err, store.CodeNotFound) {
		s.cfg.Log.Warn("web: list versions", zap.String("guild", v.GuildID), zap.Error(err))
		s.refuse(w, r, refuseUnavailable)
		return
	}
	p := page{Title: "History", V: &v, Active: "history"}
	for i, m := range metas {
		p.Versions = append(p.Versions, m.Version)
		if i >= maxHistory {
			continue
		}
		row := historyRow{Version: m.Version, ID: m.ID, Who: v.who(m.CreatedBy), When: stamp(m.CreatedAt), Why: string(m.Reason)}
		if i+1 < len(metas) {
			row.Previous = metas[i+1].Version
		}
		snap, err := s.cfg.Shadow.Get(ctx, v.GuildID, m.ID)
		if err != nil {
			s.cfg.Log.Warn("web: read a version", zap.String("guild", v.GuildID), zap.String("snapshot", m.ID), zap.Error(err))
			s.refuse(w, r, refuseUnavailable)
			return
		}
		if d := snap.Deployment; d != nil {
			row.Deployed, row.DeployedAt, row.DeployedBy = true, stamp(d.DeployedAt), v.who(d.DeployedBy)
		}
		p.History = append(p.History, row)
	}
	s.render(w, http.StatusOK, "history", p)
}

type diffData struct {
	From, To int
	FromMeta string
	ToMeta   string
	Rows     []diffRow
	Changed  bool
	Problem  string
	Versions []int
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request, v viewer) {
	ctx := r.Context()
	metas, err := s.cfg.Shadow.List(ctx, v.GuildID)
	if err != nil && !store.IsCode(err, store.CodeNotFound) {
		s.cfg.Log.Warn("web: list versions", zap.String("guild", v.GuildID), zap.Error(err))
		s.refuse(w, r, refuseUnavailable)
		return
	}
	d := &diffData{}
	for _, m := range metas {
		d.Versions = append(d.Versions, m.Version)
	}
	p := page{Title: "Compare versions", V: &v, Active: "history", Diff: d}
	if len(metas) < 2 {
		d.Problem = "There is only one version so far, so there is nothing to compare."
		if len(metas) == 0 {
			d.Problem = "Nothing has been set up in this server yet, so there are no versions to compare."
		}
		s.render(w, http.StatusOK, "diff", p)
		return
	}
	d.To, d.From = metas[0].Version, metas[1].Version
	q := r.URL.Query()
	var perr error
	if q.Has("from") || q.Has("to") {
		d.From, perr = versionParam(q.Get("from"), metas)
		if perr == nil {
			d.To, perr = versionParam(q.Get("to"), metas)
		}
	}
	if perr != nil {
		d.Problem = perr.Error()
		s.render(w, http.StatusBadRequest, "diff", p)
		return
	}
	texts := [2]string{}
	for i, n := range []int{d.From, d.To} {
		snap, err := s.cfg.Shadow.Get(ctx, v.GuildID, store.SnapshotID(n))
		if err != nil {
			s.cfg.Log.Warn("web: read a version", zap.String("guild", v.GuildID), zap.Int("version", n), zap.Error(err))
			s.refuse(w, r, refuseUnavailable)
			return
		}
		y, err := snap.Manifest.EncodeYAML()
		if err != nil {
			s.cfg.Log.Error("web: encode a manifest", zap.String("guild", v.GuildID), zap.Error(err))
			s.refuse(w, r, refuseInternal)
			return
		}
		texts[i] = string(y)
		label := fmt.Sprintf("by %s, %s, %s", v.who(snap.Meta.CreatedBy), stamp(snap.Meta.CreatedAt), snap.Meta.Reason)
		if i == 0 {
			d.FromMeta = label
		} else {
			d.ToMeta = label
		}
	}
	d.Rows, d.Changed = sideBySide(texts[0], texts[1])
	s.render(w, http.StatusOK, "diff", p)
}

// versionParam reads a version number that exists in metas.
func versionParam(s string, metas []store.SnapshotMeta) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a version number: pick two versions from the lists.", s)
	}
	for _, m := range metas {
		if m.Version == n {
			return n, nil
		}
	}
	return 0, fmt.Errorf("version %d does not exist in this server: pick two versions from the lists.", n)
}

type manifestData struct {
	Nothing bool
	ID      string
	Version int
	YAML    string
	Meta    string
}

// currentManifest reads the desired manifest (the newest version) as YAML.
func (s *Server) currentManifest(r *http.Request, v viewer) (*manifestData, []byte, *refusal) {
	snap, err := s.cfg.Shadow.Latest(r.Context(), v.GuildID)
	if store.IsCode(err, store.CodeNotFound) {
		return &manifestData{Nothing: true}, nil, nil
	}
	if err != nil {
		s.cfg.Log.Warn("web: read the manifest", zap.String("guild", v.GuildID), zap.Error(err))
		return nil, nil, &refuseUnavailable
	}
	y, err := snap.Manifest.EncodeYAML()
	if err != nil {
		s.cfg.Log.Error("web: encode a manifest", zap.String("guild", v.GuildID), zap.Error(err))
		return nil, nil, &refuseInternal
	}
	return &manifestData{ID: snap.Meta.ID, Version: snap.Meta.Version, YAML: string(y),
		Meta: fmt.Sprintf("by %s, %s, %s", v.who(snap.Meta.CreatedBy), stamp(snap.Meta.CreatedAt), snap.Meta.Reason)}, y, nil
}

func (s *Server) manifestPage(w http.ResponseWriter, r *http.Request, v viewer) {
	m, _, f := s.currentManifest(r, v)
	if f != nil {
		s.refuse(w, r, *f)
		return
	}
	s.render(w, http.StatusOK, "manifest", page{Title: "Manifest", V: &v, Active: "manifest", Manifest: m})
}

func (s *Server) manifestYAML(w http.ResponseWriter, r *http.Request, v viewer) {
	m, y, f := s.currentManifest(r, v)
	if f != nil {
		s.refuse(w, r, *f)
		return
	}
	if m.Nothing {
		s.render(w, http.StatusNotFound, "refusal", page{Title: "No manifest", V: &v,
			Message: "Nothing has been set up in this server yet, so there is no manifest to download. Run /setup in Discord first."})
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="arrakis-%s-%s.yaml"`, v.GuildID, m.ID))
	_, _ = w.Write(y)
}

// who names the author of a version: "you" for the viewer, else as recorded (a Discord user
// id from Discord, a name from the CLI).
func (v viewer) who(by string) string {
	switch {
	case by == "":
		return "unknown"
	case by == v.UserID && v.UserName != "":
		return v.UserName + " (you)"
	case by == v.UserID:
		return "you"
	}
	return by
}

// shortID writes a snapshot id as people say it: "v00000042" → "v42".
func shortID(id string) string {
	if n, err := strconv.Atoi(strings.TrimPrefix(id, "v")); err == nil && strings.HasPrefix(id, "v") {
		return "v" + strconv.Itoa(n)
	}
	return id
}

// stamp formats a time for people, in UTC.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
