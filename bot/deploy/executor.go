package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/store"
	"github.com/arrakis-bot/arrakis/wizard"
)

// run is one execution of a plan: the live guild it was planned against, the ResourceMap
// it fills as writes return, and the progress record it keeps.
type run struct {
	s        *Service
	guildID  string
	manifest *wizard.Manifest
	audit    string // the audit-log reason prefix: "Arrakis deploy v3 by …"
	live     *live
	res      wizard.ResourceMap
	progress *store.DeployProgress
	onProg   func(store.DeployProgress)

	writes          int // writes made by this run (the k of the afterWrite hook)
	done            []drift.Op
	createdRoles    []string
	createdChannels []string
}

// opPhase is the deploy status an operation belongs to.
func opPhase(op drift.Op) wizard.DeployStatus {
	switch op.Kind {
	case drift.OpCreateRole, drift.OpUpdateRole, drift.OpReorderRoles, drift.OpDeleteRole:
		return wizard.DeployRoles
	case drift.OpSetOverwrite:
		return wizard.DeployPermissions
	case drift.OpUpdateChannel:
		for _, f := range op.Fields {
			if !strings.HasPrefix(f, "overwrite:") {
				return wizard.DeployChannels
			}
		}
		if len(op.Fields) > 0 {
			return wizard.DeployPermissions // only who may see the channel changes
		}
		return wizard.DeployChannels
	default:
		return wizard.DeployChannels
	}
}

func isRoleOp(op drift.Op) bool { return opPhase(op) == wizard.DeployRoles }

// execute carries out ops in order, recording each result as it returns. It stops at the
// first failure and returns it with the index of the op that failed.
func (r *run) execute(ctx context.Context, ops []drift.Op) (int, error) {
	for i, op := range ops {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if phase := opPhase(op); wizard.CanAdvanceDeploy(r.progress.Status, phase) {
			r.progress.Status = phase
		}
		id, err := r.apply(ctx, op)
		if err != nil {
			return i, fmt.Errorf("%s %q: %w", op.Kind, op.Name, err)
		}
		r.writes++
		if hook := r.s.cfg.afterWrite; hook != nil {
			if err := hook(r.writes, false); err != nil {
				return i, &crashError{err}
			}
		}
		r.record(op, id)
		if err := r.saveProgress(ctx); err != nil {
			return i + 1, err
		}
		if hook := r.s.cfg.afterWrite; hook != nil {
			if err := hook(r.writes, true); err != nil {
				return i + 1, &crashError{err}
			}
		}
	}
	return len(ops), nil
}

// crashError is a stop injected by the test hook: the deploy stops where it is, as if the
// process had died, without recording the failure.
type crashError struct{ err error }

func (e *crashError) Error() string { return "deploy stopped: " + e.err.Error() }
func (e *crashError) Unwrap() error { return e.err }

// record puts an op's result into the ResourceMap and the progress counters.
func (r *run) record(op drift.Op, id string) {
	switch op.Kind {
	case drift.OpCreateRole:
		r.res.Roles[op.Key] = id
		r.createdRoles = append(r.createdRoles, id)
	case drift.OpCreateChannel:
		r.res.Channels[op.Key] = id
		r.createdChannels = append(r.createdChannels, id)
	case drift.OpUpdateRole:
		if op.Key != "" && op.ID != "" {
			r.res.Roles[op.Key] = op.ID
		}
	case drift.OpUpdateChannel, drift.OpSetOverwrite:
		if op.Key != "" && op.ID != "" {
			r.res.Channels[op.Key] = op.ID
		}
	case drift.OpDeleteRole:
		if op.Key != "" && r.res.Roles[op.Key] == op.ID {
			delete(r.res.Roles, op.Key)
		}
	case drift.OpDeleteChannel:
		if op.Key != "" && r.res.Channels[op.Key] == op.ID {
			delete(r.res.Channels, op.Key)
		}
	}
	r.done = append(r.done, op)
	r.progress.Done++
	r.progress.Writes++
	if isRoleOp(op) {
		r.progress.RolesDone++
	} else {
		r.progress.ChannelsDone++
	}
}

func (r *run) saveProgress(ctx context.Context) error {
	r.progress.UpdatedAt = r.s.cfg.Now()
	r.progress.Resources = r.res.Clone()
	if err := r.s.cfg.Coordination.SaveProgress(ctx, r.progress); err != nil {
		return fmt.Errorf("save deploy progress of guild %s: %w", r.guildID, err)
	}
	if r.onProg != nil {
		p := *r.progress
		p.Resources = r.res.Clone()
		r.onProg(p)
	}
	return nil
}

// apply makes the one write of op, retrying 429s within the budget, and returns the id of
// what it created.
func (r *run) apply(ctx context.Context, op drift.Op) (string, error) {
	opts := r.s.requestOptions(ctx, withAuditReason(r.audit+": "+describeOp(op)))
	dg := r.s.dg
	var id string
	err := r.s.withRateLimitRetry(ctx, func() error {
		switch op.Kind {
		case drift.OpCreateRole:
			role, err := dg.GuildRoleCreate(r.guildID, roleParams(op.Role), opts...)
			if err != nil {
				return err
			}
			id = role.ID
		case drift.OpUpdateRole:
			_, err := dg.GuildRoleEdit(r.guildID, r.roleID(op), roleParams(op.Role), opts...)
			return err
		case drift.OpDeleteRole:
			return dg.GuildRoleDelete(r.guildID, r.roleID(op), opts...)
		case drift.OpReorderRoles:
			body, err := r.rolePositions(op.Order)
			if err != nil || len(body) == 0 {
				return err
			}
			_, err = dg.RequestWithBucketID("PATCH", discordgo.EndpointGuildRoles(r.guildID), body, discordgo.EndpointGuildRoles(r.guildID), opts...)
			return err
		case drift.OpCreateChannel:
			data, err := r.channelCreate(op)
			if err != nil {
				return err
			}
			ch, err := dg.GuildChannelCreateComplex(r.guildID, data, opts...)
			if err != nil {
				return err
			}
			id = ch.ID
		case drift.OpUpdateChannel:
			chID := r.channelID(op)
			body, err := r.channelPatch(op, chID)
			if err != nil {
				return err
			}
			if _, err = dg.RequestWithBucketID("PATCH", discordgo.EndpointChannel(chID), body, discordgo.EndpointChannel(chID), opts...); err != nil {
				return err
			}
			if _, ok := body["permission_overwrites"]; ok {
				r.noteOverwrites(op, chID)
			}
		case drift.OpSetOverwrite:
			chID := r.channelID(op)
			target, typ, err := r.subject(op.Subject)
			if err != nil {
				return err
			}
			set := false
			for _, ow := range op.Overwrites {
				if ow.Subject == op.Subject {
					err, set = dg.ChannelPermissionSet(chID, target, typ, ow.Allow, ow.Deny, opts...), true
					break
				}
			}
			if !set { // the subject is not among the desired overwrites: it should have none
				err = dg.ChannelPermissionDelete(chID, target, opts...)
			}
			if err == nil {
				r.noteOverwrites(op, chID)
			}
			return err
		case drift.OpDeleteChannel:
			_, err := dg.ChannelDelete(r.channelID(op), opts...)
			return err
		case drift.OpReorderChannel:
			body := r.channelPositions(op.Key, op.Order)
			if len(body) == 0 {
				return nil
			}
			_, err := dg.RequestWithBucketID("PATCH", discordgo.EndpointGuildChannels(r.guildID), body, discordgo.EndpointGuildChannels(r.guildID), opts...)
			return err
		default:
			return fmt.Errorf("unknown operation %q", op.Kind)
		}
		return nil
	})
	return id, err
}

func describeOp(op drift.Op) string {
	switch op.Kind {
	case drift.OpReorderRoles:
		return "order tier roles"
	case drift.OpReorderChannel:
		return "order channels"
	case drift.OpSetOverwrite:
		return fmt.Sprintf("set access of %s on #%s", op.Subject, op.Name)
	}
	return fmt.Sprintf("%s %s", op.Kind, op.Name)
}

func roleParams(spec *wizard.RoleSpec) *discordgo.RoleParams {
	if spec == nil {
		return &discordgo.RoleParams{}
	}
	color, hoist, mention, perms := spec.Color, spec.Hoist, spec.Mentionable, spec.Permissions
	return &discordgo.RoleParams{Name: spec.Name, Color: &color, Hoist: &hoist, Mentionable: &mention, Permissions: &perms}
}

// roleID is the Discord id an op's role has: its own, or the one recorded for its tier.
func (r *run) roleID(op drift.Op) string {
	if op.ID != "" {
		return op.ID
	}
	return r.res.Roles[op.Key]
}

func (r *run) channelID(op drift.Op) string {
	if op.ID != "" {
		return op.ID
	}
	return r.res.Channels[op.Key]
}

// subject resolves an overwrite subject (@everyone, @bot or a tier id) to a Discord id,
// the same way drift does.
func (r *run) subject(subject string) (string, discordgo.PermissionOverwriteType, error) {
	id, typ, ok := drift.ResolveSubject(r.live.Guild, r.res, subject)
	if !ok {
		return "", 0, fmt.Errorf("the role of %q is not known yet", subject)
	}
	return id, discordgo.PermissionOverwriteType(typ), nil
}

func (r *run) overwrites(ows []wizard.Overwrite) ([]*discordgo.PermissionOverwrite, error) {
	out := make([]*discordgo.PermissionOverwrite, 0, len(ows))
	for _, ow := range ows {
		id, typ, err := r.subject(ow.Subject)
		if err != nil {
			return nil, err
		}
		out = append(out, &discordgo.PermissionOverwrite{ID: id, Type: typ, Allow: ow.Allow, Deny: ow.Deny})
	}
	return out, nil
}

func channelType(t wizard.ChannelType) discordgo.ChannelType {
	switch t {
	case wizard.ChannelVoice:
		return discordgo.ChannelTypeGuildVoice
	case wizard.ChannelCategory:
		return discordgo.ChannelTypeGuildCategory
	}
	return discordgo.ChannelTypeGuildText
}

func (r *run) parentID(key string) (string, error) {
	if key == "" {
		return "", nil
	}
	if id := r.res.Channels[key]; id != "" {
		return id, nil
	}
	return "", fmt.Errorf("the category %q is not known yet", key)
}

func (r *run) channelCreate(op drift.Op) (discordgo.GuildChannelCreateData, error) {
	if op.Channel == nil {
		return discordgo.GuildChannelCreateData{}, fmt.Errorf("create_channel without a channel")
	}
	parent, err := r.parentID(op.Channel.Parent)
	if err != nil {
		return discordgo.GuildChannelCreateData{}, err
	}
	ows, err := r.overwrites(op.Overwrites)
	if err != nil {
		return discordgo.GuildChannelCreateData{}, err
	}
	data := discordgo.GuildChannelCreateData{
		Name: op.Channel.Name, Type: channelType(op.Channel.Type), ParentID: parent,
		PermissionOverwrites: ows,
	}
	if op.Channel.Type == wizard.ChannelText {
		data.Topic = op.Channel.Topic
	}
	return data, nil
}

// channelPatch is the body of an update_channel. discordgo's ChannelEdit omits empty
// topics and parents, so a map carries them (null parent = no category). When the op
// changes overwrites, the list sent is drift.MergeOverwrites of the live one: overwrites
// of subjects Arrakis does not manage (a moderator role on a gated channel) are kept.
func (r *run) channelPatch(op drift.Op, chID string) (map[string]any, error) {
	body := map[string]any{}
	if op.Channel != nil {
		body["name"] = op.Channel.Name
		if op.Channel.Type == wizard.ChannelText {
			body["topic"] = op.Channel.Topic
		}
		if op.Channel.Type != wizard.ChannelCategory {
			parent, err := r.parentID(op.Channel.Parent)
			if err != nil {
				return nil, err
			}
			if parent == "" {
				body["parent_id"] = nil
			} else {
				body["parent_id"] = parent
			}
		}
	}
	if op.Overwrites != nil || len(op.RemoveOverwrites) > 0 {
		merged := r.mergedOverwrites(op, chID)
		ows := make([]*discordgo.PermissionOverwrite, 0, len(merged))
		for _, o := range merged {
			ows = append(ows, &discordgo.PermissionOverwrite{ID: o.ID, Type: discordgo.PermissionOverwriteType(o.Type), Allow: o.Allow, Deny: o.Deny})
		}
		body["permission_overwrites"] = ows
	}
	return body, nil
}

// mergedOverwrites is the channel's overwrite list after op, from the live list as this
// run last saw or wrote it.
func (r *run) mergedOverwrites(op drift.Op, chID string) []drift.Overwrite {
	var cur []drift.Overwrite
	if c, ok := r.live.channelByID[chID]; ok {
		cur = c.Overwrites
	}
	return drift.MergeOverwrites(r.live.Guild, r.res, cur, op)
}

// noteOverwrites keeps the run's view of a channel's overwrites current after a write, so
// that a later op on the same channel merges into what is really there.
func (r *run) noteOverwrites(op drift.Op, chID string) {
	if c, ok := r.live.channelByID[chID]; ok {
		c.Overwrites = r.mergedOverwrites(op, chID)
	}
}

type position struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
}

// rolePositions places the tier roles (order: lowest tier first) as one block in tier
// order directly below the bot's top role, leaving every other role in its relative place,
// and returns the positions that change. Roles above the bot keep their positions.
func (r *run) rolePositions(order []string) ([]position, error) {
	tierIDs := make([]string, 0, len(order))
	isTier := map[string]bool{}
	for _, key := range order {
		id := r.res.Roles[key]
		if id == "" {
			return nil, fmt.Errorf("the role of tier %q is not known yet", key)
		}
		tierIDs = append(tierIDs, id)
		isTier[id] = true
	}
	// Current roles bottom to top, without @everyone; newly created roles that the live
	// read does not know yet sit at the bottom, as Discord puts them.
	var others []string
	for _, role := range r.live.Guild.Roles { // sorted bottom to top
		if role.ID == r.guildID || isTier[role.ID] {
			continue
		}
		others = append(others, role.ID)
	}
	botTop := ""
	if r.live.BotTopRole != nil {
		botTop = r.live.BotTopRole.ID
	}
	cut := len(others)
	for i, id := range others {
		if id == botTop {
			cut = i
			break
		}
	}
	// Everything below the bot's top role gets a position, so that roles created in this
	// deploy (which Discord put at the bottom and which pushed the rest up) end up right.
	final := append(append(append([]string{}, others[:cut]...), tierIDs...), others[cut:]...)
	out := make([]position, 0, cut+len(tierIDs))
	for i, id := range final[:cut+len(tierIDs)] {
		out = append(out, position{ID: id, Position: i + 1})
	}
	return out, nil
}

// channelPositions puts the ordered channels of one parent (parentKey "" = top level)
// in manifest order after the parent's other channels, which keep their places: the
// managed block always ends up in the same place, whether its channels were created just
// now or by an earlier, interrupted deploy.
func (r *run) channelPositions(parentKey string, order []string) []position {
	parentID := ""
	if parentKey != "" {
		parentID = r.res.Channels[parentKey]
	}
	managed := map[string]bool{}
	for _, key := range order {
		if id := r.res.Channels[key]; id != "" {
			managed[id] = true
		}
	}
	base := 0
	for _, c := range r.live.Guild.Channels {
		if c.ParentID == parentID && !managed[c.ID] && c.Position >= base {
			base = c.Position + 1
		}
	}
	var out []position
	for i, key := range order {
		if id := r.res.Channels[key]; id != "" {
			out = append(out, position{ID: id, Position: base + i})
		}
	}
	return out
}
