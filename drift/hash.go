package drift

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
)

// A confirmation is bound to what it showed (DESIGN §5): every confirm control carries a
// short hash of the exact plan or state it displayed, the plan is recomputed when the
// control is used, and nothing runs when the hashes differ. The bot and the CLI hash
// with the functions of this file, so a plan saved by `arrakis plan -o` and a button on
// Discord agree on what "the same plan" means.

// HashLen is the length of the hashes below: 16 hex digits (64 bits) keep a custom_id
// short and make an accidental match of two different plans practically impossible.
const HashLen = 16

// PlanHash is the hash of ops, over their canonical JSON encoding (struct fields in a
// fixed order, ops in plan order). Two plans hash the same only when every op, its
// target id, its values and its place in the order are the same.
func PlanHash(ops []Op) string {
	if ops == nil {
		ops = []Op{}
	}
	return digest("arrakis-plan/v1", ops)
}

// ReportHash binds a confirmation that shows differences rather than writes (Accept) to
// the differences shown and to what they were computed against (basis, e.g. the desired
// snapshot's id).
func ReportHash(basis string, r Report) string {
	items := r.Items
	if items == nil {
		items = []Item{}
	}
	return digest("arrakis-report/v1", struct {
		Basis string `json:"basis"`
		Items []Item `json:"items"`
	}{basis, items})
}

// GuildFingerprint is the hash of a live guild's roles and channels (every field drift
// reads, positions included) in id order, so it does not depend on the order Discord
// listed them in. A saved plan records it; a different fingerprint at apply time means
// the guild changed since the plan.
func GuildFingerprint(g Guild) string {
	c := cloneGuild(g)
	sort.Slice(c.Roles, func(i, j int) bool { return c.Roles[i].ID < c.Roles[j].ID })
	sort.Slice(c.Channels, func(i, j int) bool { return c.Channels[i].ID < c.Channels[j].ID })
	for _, ch := range c.Channels {
		sort.Slice(ch.Overwrites, func(i, j int) bool { return ch.Overwrites[i].ID < ch.Overwrites[j].ID })
	}
	return digest("arrakis-guild/v1", c)
}

// digest is the first HashLen hex digits of SHA-256 over a domain tag and v's JSON. The
// types hashed here are structs and slices only (no maps), so encoding/json is canonical.
func digest(domain string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Unreachable for these types; an unhashable value must never compare equal.
		return "unhashable"
	}
	h := sha256.New()
	h.Write([]byte(domain + "\n"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))[:HashLen]
}
