package bot

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Decoding an interaction through discordgo costs a click about as much as writing its
// answer did: encoding/json validates the body, decodes it into discordgo's raw shape
// (validating again), then decodes data once more, allocating each string on the way.
// decodeInteraction reads the fields an interaction carries in one pass over the validated
// body, taking strings as slices of one copy of it, and fills the same discordgo.Interaction
// that discordgo's UnmarshalJSON would (TestInteractionDecodeMatches compares them on every
// interaction the end-to-end tests send). Whatever it does not know — a key discordgo might
// read that is not listed here, a value of an unexpected kind, a component's resolved data,
// entitlements — sends the whole body through discordgo instead. A modal's inputs and a
// command's options are decoded by encoding/json as before; of the message a click came
// from only the id and channel id are kept, on either path (see message).

// decodeInteraction decodes body into i exactly as (*discordgo.Interaction).UnmarshalJSON,
// except that i.Message holds only the message's id and channel id.
func decodeInteraction(body []byte, i *discordgo.Interaction) error {
	if !json.Valid(body) {
		return i.UnmarshalJSON(body) // the same syntax error
	}
	d := &idec{s: string(body)}
	if d.interaction(i) {
		return nil
	}
	*i = discordgo.Interaction{}
	err := i.UnmarshalJSON(body)
	if i.Message != nil {
		i.Message = &discordgo.Message{ID: i.Message.ID, ChannelID: i.Message.ChannelID}
	}
	return err
}

// message reads the message a component was on for its id and channel id only. The bot
// never reads the rest: it checks a click against the message it draws itself
// (offered.go), not against the copy the client sends back. Decoding that copy — the
// wizard's embed and components, the author, Discord's own fields, about 3 kB — through
// discordgo cost about 94 µs and 186 allocations a click, more than the rest of the
// click's decoding and answer together (issue #16).
func (d *idec) message(m *discordgo.Message) bool {
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return d.optStr(&m.ID)
		case "channel_id":
			return d.optStr(&m.ChannelID)
		}
		return d.skip()
	})
}

// idec walks a JSON text already known to be valid. Its methods return false for anything
// they do not decode exactly as encoding/json would; the caller then falls back.
type idec struct {
	s   string
	pos int
}

func (d *idec) ws() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *idec) peek() byte {
	d.ws()
	if d.pos >= len(d.s) {
		return 0
	}
	return d.s[d.pos]
}

// null consumes a null literal if one is next.
func (d *idec) null() bool {
	if d.peek() == 'n' {
		d.pos += len("null")
		return true
	}
	return false
}

// object calls member for each key, positioned at its value; member must consume the value.
func (d *idec) object(member func(key string) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.pos++
	if d.peek() == '}' {
		d.pos++
		return true
	}
	for {
		key, ok := d.str()
		if !ok || d.peek() != ':' {
			return false
		}
		d.pos++
		if !member(key) {
			return false
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return true
		default:
			return false
		}
	}
}

// str reads a string: a slice of the body when it has no escapes, else encoding/json's reading.
func (d *idec) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	start := d.pos
	d.pos++
	escaped := false
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case '\\':
			escaped = true
			d.pos += 2
			continue
		case '"':
			d.pos++
			if !escaped {
				return d.s[start+1 : d.pos-1], true
			}
			var out string
			if err := json.Unmarshal([]byte(d.s[start:d.pos]), &out); err != nil {
				return "", false
			}
			return out, true
		}
		d.pos++
	}
	return "", false
}

// optStr reads a string field: null leaves it as it is (as encoding/json does).
func (d *idec) optStr(dst *string) bool {
	if d.null() {
		return true
	}
	v, ok := d.str()
	*dst = v
	return ok
}

// integer reads a JSON integer (no fraction or exponent).
func (d *idec) integer() (int64, bool) {
	d.ws()
	start := d.pos
	for d.pos < len(d.s) && (d.s[d.pos] == '-' || d.s[d.pos] >= '0' && d.s[d.pos] <= '9') {
		d.pos++
	}
	if d.pos < len(d.s) && (d.s[d.pos] == '.' || d.s[d.pos] == 'e' || d.s[d.pos] == 'E') {
		return 0, false
	}
	n, err := strconv.ParseInt(d.s[start:d.pos], 10, 64)
	return n, err == nil
}

func (d *idec) optInt(dst *int) bool {
	if d.null() {
		return true
	}
	n, ok := d.integer()
	if !ok || int64(int(n)) != n {
		return false
	}
	*dst = int(n)
	return true
}

func (d *idec) optBool(dst *bool) bool {
	switch d.peek() {
	case 'n':
		d.pos += len("null")
	case 't':
		d.pos += len("true")
		*dst = true
	case 'f':
		d.pos += len("false")
		*dst = false
	default:
		return false
	}
	return true
}

// stringInt reads an integer carried in a string (a ",string" field such as permissions).
func (d *idec) stringInt(dst *int64) bool {
	if d.null() {
		return true
	}
	v, ok := d.str()
	if !ok || !jsonInteger(v) {
		return false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	*dst = n
	return err == nil
}

// jsonInteger reports whether s is an integer as JSON writes one: -?(0|[1-9][0-9]*).
func jsonInteger(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || s[0] == '0' && len(s) > 1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// strings reads an array of strings; [] is an empty, non-nil slice and null a nil one.
func (d *idec) strings(dst *[]string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if d.peek() != '[' {
		return false
	}
	d.pos++
	out := []string{}
	if d.peek() == ']' {
		d.pos++
		*dst = out
		return true
	}
	for {
		v, ok := d.str()
		if !ok {
			return false
		}
		out = append(out, v)
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			*dst = out
			return true
		default:
			return false
		}
	}
}

// skip passes over any value (the text is valid JSON).
func (d *idec) skip() bool {
	switch d.peek() {
	case '"':
		d.skipStr()
		return true
	case '{', '[':
		depth := 0
		for d.pos < len(d.s) {
			switch d.s[d.pos] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					d.pos++
					return true
				}
			case '"':
				d.skipStr()
				continue
			}
			d.pos++
		}
		return false
	}
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return true
		}
		d.pos++
	}
	return true
}

// skipStr passes over the string that starts at d.pos without decoding it (the text is
// valid JSON, so the string is closed and every backslash starts an escape).
func (d *idec) skipStr() {
	d.pos++
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case '\\':
			d.pos += 2
			continue
		case '"':
			d.pos++
			return
		}
		d.pos++
	}
}

// raw is the text of the next value.
func (d *idec) raw() (string, bool) {
	d.ws()
	start := d.pos
	ok := d.skip()
	return d.s[start:d.pos], ok
}

// timeField reads a timestamp through time.Time's own JSON reading.
func (d *idec) timeField(dst *time.Time) bool {
	if d.null() {
		return true
	}
	v, ok := d.raw()
	return ok && dst.UnmarshalJSON([]byte(v)) == nil
}

func (d *idec) optTime(dst **time.Time) bool {
	if d.null() {
		*dst = nil
		return true
	}
	t := new(time.Time)
	*dst = t
	return d.timeField(t)
}

// Keys Discord sends that discordgo has no field for: passed over. Any other unknown key
// falls back (encoding/json matches keys case-insensitively, this reader does not).
var ignoredKeys = map[string]bool{
	"channel": true, "guild": true, "entitlement_sku_ids": true, "attachment_size_limit": true,
	"avatar_decoration_data": true, "collectibles": true, "clan": true, "primary_guild": true,
	"display_name_styles": true, "unusual_dm_activity_until": true, "banner_color": true,
}

func (d *idec) interaction(i *discordgo.Interaction) bool {
	var data string
	ok := d.object(func(key string) bool {
		switch key {
		case "id":
			return d.optStr(&i.ID)
		case "application_id":
			return d.optStr(&i.AppID)
		case "type":
			var t int
			if !d.optInt(&t) || t < 0 || t > 255 {
				return false
			}
			i.Type = discordgo.InteractionType(t)
			return true
		case "data":
			var ok bool
			data, ok = d.raw()
			return ok
		case "guild_id":
			return d.optStr(&i.GuildID)
		case "channel_id":
			return d.optStr(&i.ChannelID)
		case "message":
			if i.Message != nil {
				return false // a repeated key: encoding/json would merge into the first
			}
			if d.null() {
				return true
			}
			i.Message = new(discordgo.Message)
			return d.message(i.Message)
		case "app_permissions":
			return d.stringInt(&i.AppPermissions)
		case "member":
			if i.Member != nil {
				return false
			}
			if d.null() {
				return true
			}
			i.Member = new(discordgo.Member)
			return d.member(i.Member)
		case "user":
			if i.User != nil {
				return false
			}
			if d.null() {
				return true
			}
			i.User = new(discordgo.User)
			return d.user(i.User)
		case "locale":
			return d.optStr((*string)(&i.Locale))
		case "guild_locale":
			if d.null() {
				i.GuildLocale = nil
				return true
			}
			l := new(discordgo.Locale)
			i.GuildLocale = l
			return d.optStr((*string)(l))
		case "context":
			var c int
			if !d.optInt(&c) || c < 0 || c > 255 {
				return false
			}
			i.Context = discordgo.InteractionContextType(c)
			return true
		case "authorizing_integration_owners":
			return d.owners(&i.AuthorizingIntegrationOwners)
		case "token":
			return d.optStr(&i.Token)
		case "version":
			return d.optInt(&i.Version)
		case "entitlements":
			if d.null() {
				i.Entitlements = nil
				return true
			}
			// Only an empty list is read here; entitlements themselves go through discordgo.
			if v, ok := d.raw(); !ok || !isEmptyArray(v) {
				return false
			}
			i.Entitlements = []*discordgo.Entitlement{}
			return true
		}
		return ignoredKeys[key] && d.skip()
	})
	if !ok || d.peek() != 0 {
		return false
	}
	return d.data(i, data)
}

// data decodes the interaction's data by its type, as discordgo does.
func (d *idec) data(i *discordgo.Interaction, raw string) bool {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete,
		discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
		if raw == "" {
			return false // no data: discordgo's error
		}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		var v discordgo.ApplicationCommandInteractionData
		if json.Unmarshal([]byte(raw), &v) != nil {
			return false
		}
		i.Data = v
	case discordgo.InteractionMessageComponent:
		var v discordgo.MessageComponentInteractionData
		sub := &idec{s: raw}
		if !sub.null() && !sub.componentData(&v) {
			return false
		}
		i.Data = v
	case discordgo.InteractionModalSubmit:
		var v discordgo.ModalSubmitInteractionData
		if json.Unmarshal([]byte(raw), &v) != nil {
			return false
		}
		i.Data = v
	}
	return true
}

func (d *idec) componentData(v *discordgo.MessageComponentInteractionData) bool {
	return d.object(func(key string) bool {
		switch key {
		case "custom_id":
			return d.optStr(&v.CustomID)
		case "component_type":
			var t int
			if !d.optInt(&t) || t < 0 || t > 255 {
				return false
			}
			v.ComponentType = discordgo.ComponentType(t)
			return true
		case "values":
			return d.strings(&v.Values)
		}
		return false // resolved (user, role, channel selects) and anything else: discordgo
	})
}

func (d *idec) member(m *discordgo.Member) bool {
	return d.object(func(key string) bool {
		switch key {
		case "guild_id":
			return d.optStr(&m.GuildID)
		case "joined_at":
			return d.timeField(&m.JoinedAt)
		case "nick":
			return d.optStr(&m.Nick)
		case "deaf":
			return d.optBool(&m.Deaf)
		case "mute":
			return d.optBool(&m.Mute)
		case "avatar":
			return d.optStr(&m.Avatar)
		case "banner":
			return d.optStr(&m.Banner)
		case "user":
			if m.User != nil {
				return false
			}
			if d.null() {
				return true
			}
			m.User = new(discordgo.User)
			return d.user(m.User)
		case "roles":
			return d.strings(&m.Roles)
		case "premium_since":
			return d.optTime(&m.PremiumSince)
		case "flags":
			var f int
			if !d.optInt(&f) {
				return false
			}
			m.Flags = discordgo.MemberFlags(f)
			return true
		case "pending":
			return d.optBool(&m.Pending)
		case "permissions":
			return d.stringInt(&m.Permissions)
		case "communication_disabled_until":
			return d.optTime(&m.CommunicationDisabledUntil)
		}
		return ignoredKeys[key] && d.skip()
	})
}

func (d *idec) user(u *discordgo.User) bool {
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return d.optStr(&u.ID)
		case "email":
			return d.optStr(&u.Email)
		case "username":
			return d.optStr(&u.Username)
		case "avatar":
			return d.optStr(&u.Avatar)
		case "locale":
			return d.optStr(&u.Locale)
		case "discriminator":
			return d.optStr(&u.Discriminator)
		case "global_name":
			return d.optStr(&u.GlobalName)
		case "token":
			return d.optStr(&u.Token)
		case "verified":
			return d.optBool(&u.Verified)
		case "mfa_enabled":
			return d.optBool(&u.MFAEnabled)
		case "banner":
			return d.optStr(&u.Banner)
		case "accent_color":
			return d.optInt(&u.AccentColor)
		case "bot":
			return d.optBool(&u.Bot)
		case "public_flags":
			var f int
			if !d.optInt(&f) {
				return false
			}
			u.PublicFlags = discordgo.UserFlags(f)
			return true
		case "premium_type":
			var p int
			if !d.optInt(&p) {
				return false
			}
			u.PremiumType = discordgo.UserPremiumType(p)
			return true
		case "system":
			return d.optBool(&u.System)
		case "flags":
			return d.optInt(&u.Flags)
		}
		return ignoredKeys[key] && d.skip()
	})
}

// owners reads authorizing_integration_owners: integration type (a number as key) → id.
func (d *idec) owners(dst *map[discordgo.ApplicationIntegrationType]string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if *dst == nil {
		*dst = map[discordgo.ApplicationIntegrationType]string{}
	}
	return d.object(func(key string) bool {
		n, err := strconv.ParseUint(key, 10, 8)
		if err != nil {
			return false
		}
		var v string
		if !d.optStr(&v) {
			return false
		}
		(*dst)[discordgo.ApplicationIntegrationType(n)] = v
		return true
	})
}

func isEmptyArray(v string) bool {
	d := &idec{s: v}
	if d.peek() != '[' {
		return false
	}
	d.pos++
	return d.peek() == ']'
}
