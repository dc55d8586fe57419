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

	writes int // writes made by this run (the k of the afterWrite hook)
	// earlier* count what the interrupted runs of this deploy did before this one resumed
	// it, so that progress and result totals count the whole deploy.
	earlierDone, earlierRoles, earlierChannels int
	done                                       []drift.Op
	createdRoles                               []string
	createdChannels                            []string
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
		if stopRequested(ctx) {
			return i, ErrStopped
		}
		if phase := opPhase(op); wizard.CanAdvanceDeploy(r.progress.Status, phase) {
			r.progress.Status = phase
		}
		if op.Kind == drift.OpCreateRole || op.Kind == drift.OpCreateChannel {
			if err := r.journal(ctx, op); err != nil {
				return i, err
			}
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
