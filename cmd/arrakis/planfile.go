package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arrakis-bot/arrakis/bot/deploy"
	"github.com/arrakis-bot/arrakis/drift"
	"github.com/arrakis-bot/arrakis/wizard"
)

// A saved plan (`arrakis plan -o FILE`) is what `apply --plan FILE` executes, exactly:
// the manifest it was computed for, the guild, a fingerprint of the guild's live roles
// and channels at the time, and the ops with their hash. apply refuses it when the guild
// or the manifest changed since, or when the ops would now be different.

const planFormat = "arrakis-plan/v1"

type savedPlan struct {
	Format         string           `json:"format"`
	GuildID        string           `json:"guildId"`
	CreatedAt      time.Time        `json:"createdAt"`
	ManifestSHA256 string           `json:"manifestSha256"`
	Manifest       *wizard.Manifest `json:"manifest"`
	// GuildFingerprint is drift.GuildFingerprint of the live guild the plan was made against.
	GuildFingerprint string `json:"guildFingerprint"`
	// Deployed is the snapshot deployed to the guild then ("" when none).
	Deployed string `json:"deployed,omitempty"`
	// Prune says the ops include the deletes of `plan --prune`.
	Prune    bool       `json:"prune"`
	Ops      []drift.Op `json:"ops"`
	PlanHash string     `json:"planHash"`
}

// planOps is what a deploy with or without prune runs: the plan, then the deletes.
func planOps(rev *deploy.Review, prune bool) []drift.Op {
	ops := append([]drift.Op{}, rev.Plan...)
	if prune {
		ops = append(ops, rev.PrunePlan...)
	}
	return ops
}

func newSavedPlan(guild string, m *wizard.Manifest, rev *deploy.Review, prune bool) (*savedPlan, error) {
	sha, err := m.SHA256()
	if err != nil {
		return nil, fmt.Errorf("hash the manifest: %w", err)
	}
	ops := planOps(rev, prune)
	return &savedPlan{Format: planFormat, GuildID: guild, CreatedAt: time.Now().UTC(), ManifestSHA256: sha, Manifest: m,
		GuildFingerprint: rev.Fingerprint, Deployed: deployedID(rev), Prune: prune, Ops: ops, PlanHash: drift.PlanHash(ops)}, nil
}

func deployedID(rev *deploy.Review) string {
	if rev.Shadow == nil {
		return ""
	}
	return rev.Shadow.Meta.ID
}

func writeSavedPlan(path string, p *savedPlan) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the plan: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save the plan: %w", err)
	}
	return nil
}

// readSavedPlan reads a plan file and checks it is whole: a file edited by hand (ops or
// manifest not matching their hashes) is refused.
func readSavedPlan(stdin io.Reader, path string) (*savedPlan, error) {
	data, err := readManifest(stdin, path)
	if err != nil {
		return nil, err
	}
	var p savedPlan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s is not a plan saved by arrakis plan -o: %w", path, err)
	}
	if p.Format != planFormat || p.Manifest == nil || p.GuildID == "" {
		return nil, fmt.Errorf("%s is not a plan saved by arrakis plan -o (format %q); make one with arrakis plan -f MANIFEST --guild ID -o %s", path, p.Format, path)
	}
	sha, err := p.Manifest.SHA256()
	if err != nil || sha != p.ManifestSHA256 || drift.PlanHash(p.Ops) != p.PlanHash {
		return nil, fmt.Errorf("%s was changed after arrakis plan saved it (its manifest or operations no longer match their hashes); run arrakis plan -o again", path)
	}
	if v := p.Manifest.Validate(); !v.Deployable {
		return nil, errors.New(path + " holds a manifest that cannot be deployed: " + v.Problems.Error())
	}
	return &p, nil
}
