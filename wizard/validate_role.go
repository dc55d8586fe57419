package wizard

// Tier roles (step 5, ROLE_MAPPING) are the Discord roles that gate channels: per tier the
// admin either creates a role (name, colour, hoist, mentionable) or adopts an existing one.
// Role names must be unique case-insensitively so that an admin (and drift's match by name)
// can never confuse two of them, and no role may pose as @everyone or @here.

// Role limits.
const (
	RoleNameMax = 100
	MaxColor    = 0xFFFFFF
)

// reservedRoleNames are names Discord gives a meaning to, compared by NameKey (so an
// invisible character or a full-width '＠' hidden in "@everyone" does not get it past).
var reservedRoleNames = []string{"@everyone", "everyone", "@here", "here"}

// ValidateRoleSpec checks one tier's role. Paths are relative to the role ("name").
func ValidateRoleSpec(r RoleSpec) Problems {
	var ps Problems
	if msg := strictNameProblem(r.Name, RoleNameMax); msg != "" {
		ps = append(ps, problem("name", "Role name", msg))
	} else if contains(reservedRoleNames, NameKey(r.Name)) {
		ps = append(ps, problem("name", "Role name", quote(r.Name)+" is reserved by Discord; choose another name"))
	}
	if r.Color < 0 || r.Color > MaxColor {
		ps = append(ps, problem("color", "Colour", "expected a colour from #000000 to #FFFFFF (0 to 16777215)"))
	}
	if r.Permissions < 0 {
		ps = append(ps, problem("permissions", "Permissions", "permissions must be a non-negative bitset; gating roles use 0"))
	}
	if r.Adopt != "" && !isSnowflakeID(r.Adopt) {
		ps = append(ps, problem("adopt", "Existing role", "expected a Discord role id (digits only); pick the role from the list again"))
	}
	return ps
}

// ValidateRoleMappings checks the role of every tier, and that role names are unique
// case-insensitively and no existing role is adopted by two tiers.
func ValidateRoleMappings(tiers []Tier) Problems {
	if farBeyond(len(tiers), MaxTiers) {
		return nil // the tier count is the problem to fix first
	}
	var ps Problems
	names := map[string]int{}
	adopted := map[string]int{}
	for i, t := range tiers {
		path := indexPath("tiers", i) + ".role"
		rps := ValidateRoleSpec(t.Role)
		ps = append(ps, rps.WithPrefix(path)...)
		if len(rps.ForPath("name")) == 0 {
			key := NameKey(t.Role.Name)
			if j, dup := names[key]; dup {
				ps = append(ps, problem(path+".name", "Role name", "tier "+itoa(j+1)+"'s role is already called "+
					quote(tiers[j].Role.Name)+" (names are compared ignoring case); choose another name"))
			} else {
				names[key] = i
			}
		}
		if t.Role.Adopt != "" {
			if j, dup := adopted[t.Role.Adopt]; dup {
				ps = append(ps, problem(path+".adopt", "Existing role", "tier "+itoa(j+1)+" already uses this role; each tier needs its own role"))
			} else {
				adopted[t.Role.Adopt] = i
			}
		}
	}
	return ps
}

// AdoptCandidate describes an existing guild role an admin picked to adopt for a tier.
// Position is the role's position in the guild and BotTopPosition that of the bot's
// highest role: the bot can only manage roles strictly below its own.
type AdoptCandidate struct {
	ID, Name       string
	Managed        bool // owned by an integration (a bot's own role, a booster role)
	IsEveryone     bool // the guild's @everyone role (its id equals the guild id)
	Position       int
	BotTopPosition int
}

// CheckAdoptable says whether a role may be adopted as a tier role: not @everyone, not
// managed by an integration, and below the bot's top role.
func CheckAdoptable(c AdoptCandidate) Problems {
	const field = "Existing role"
	name := "Role " + quote(c.Name)
	switch {
	case c.IsEveryone || c.Name == "@everyone":
		return Problems{problem("adopt", field, "@everyone is every member; choose a role that only a tier's members will have")}
	case c.Managed:
		return Problems{problem("adopt", field, name+" is managed by an integration and cannot be given to members; choose another role or create a new one")}
	case c.Position >= c.BotTopPosition:
		return Problems{problem("adopt", field, name+" is not below the bot's highest role, so the bot cannot manage it; "+
			"move the bot's role above it in Server Settings → Roles, or choose another role")}
	}
	return nil
}
