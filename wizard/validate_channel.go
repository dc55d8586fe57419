package wizard

// Channels (step 6, CHANNEL_STRUCTURE) follow Discord's rules: a text channel's name is
// 1–100 lowercase letters, digits, '-' or '_' (Discord itself lowercases and dashes what
// people type — NormalizeChannelName does the same); voice channels and categories take
// any printable name. Categories cannot be nested, a category holds at most 50 channels,
// and a guild at most 500 channels of every kind together.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Channel limits (Discord's).
const (
	ChannelNameMax        = 100
	ChannelTopicMax       = 1024
	MaxChannelsPerParent  = 50
	MaxChannelsInGuild    = 500
	channelKeyMax         = 64
	channelFieldName      = "Channel name"
	channelFieldParent    = "Category"
	channelFieldMinTier   = "Minimum tier"
	channelFieldType      = "Channel type"
	channelFieldKey       = "Channel key"
	channelFieldTopic     = "Topic"
	channelFieldStructure = "Channels"
)

// Valid reports whether t is text, voice or category.
func (t ChannelType) Valid() bool {
	return t == ChannelText || t == ChannelVoice || t == ChannelCategory
}

// textNameRune reports whether r may appear in a text channel's name.
func textNameRune(r rune) bool {
	switch {
	case r == '-' || r == '_':
		return true
	case r < 0x80:
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
	case unicode.IsUpper(r) || unicode.IsTitle(r):
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// NormalizeChannelName turns what an admin typed into a text-channel name the way Discord
// does: lowercase, runs of spaces become one '-', characters Discord would refuse are
// dropped, and the result is cut to 100 characters. It may return "" (nothing usable).
func NormalizeChannelName(s string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if n >= ChannelNameMax {
			break
		}
		switch {
		case unicode.IsSpace(r) || r == '-':
			dash = true
			continue
		case !textNameRune(r):
			continue
		}
		if dash && n > 0 {
			b.WriteByte('-')
			n++
			if n >= ChannelNameMax {
				break
			}
		}
		dash = false
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// channelNameProblem checks a channel's name for its type.
func channelNameProblem(name string, t ChannelType) string {
	if t != ChannelText {
		return strictNameProblem(name, ChannelNameMax)
	}
	switch {
	case name == "":
		return "enter a channel name"
	case hasBadText(name):
		return "remove line breaks, tabs and other control characters"
	case strings.IndexFunc(name, invisibleRune) >= 0:
		return "remove zero-width and other invisible characters"
	case runeLen(name) > ChannelNameMax:
		return "use at most 100 characters (this one has " + itoa(runeLen(name)) + ")"
	case strings.IndexFunc(name, func(r rune) bool { return !textNameRune(r) }) >= 0:
		if norm := NormalizeChannelName(name); norm != "" {
			return "text channel names use lowercase letters, digits, '-' and '_' only, no spaces; try " + quote(norm)
		}
		return "text channel names use lowercase letters, digits, '-' and '_' only, no spaces"
	}
	return ""
}

// ValidateChannel checks one channel on its own; relations between channels (parents,
// duplicate keys, limits) and tier references are checked by ValidateChannels. Paths are
// relative to the channel ("name").
func ValidateChannel(ch Channel) Problems {
	var ps Problems
	add := func(path, field, msg string) { ps = append(ps, problem(path, field, msg)) }
	if !isIdent(ch.Key, channelKeyMax) {
		add("key", channelFieldKey, "expected 1–64 letters, digits, '-' or '_' (the wizard assigns it)")
	}
	if !ch.Type.Valid() {
		add("type", channelFieldType, "choose text, voice or category (not "+quote(string(ch.Type))+")")
	} else if msg := channelNameProblem(ch.Name, ch.Type); msg != "" {
		add("name", channelFieldName, msg)
	}
	if ch.Adopt != "" && !isSnowflakeID(ch.Adopt) {
		add("adopt", "Existing channel", "expected a Discord channel id (digits only); pick the channel from the list again")
	}
	if ch.Type == ChannelCategory && ch.Parent != "" {
		add("parent", channelFieldParent, "a category cannot be inside another category; leave the parent empty")
	}
	if ch.Topic != "" {
		switch {
		case ch.Type != ChannelText:
			add("topic", channelFieldTopic, "only text channels have a topic; leave it empty")
		case runeLen(ch.Topic) > ChannelTopicMax:
			add("topic", channelFieldTopic, "use at most 1024 characters (this one has "+itoa(runeLen(ch.Topic))+")")
		case !utfValid(ch.Topic):
			add("topic", channelFieldTopic, "the topic is not valid text; type it again")
		}
	}
	return ps
}

// ValidateChannels checks a channel list: each channel, unique keys, parents that are
// categories of the list, minimum tiers that exist, at most 50 channels per category, and
// at most 500 channels in the guild counting existingInGuild — the channels already there
// that this list does not manage (pass 0 when unknown; deploy preflight counts again).
func ValidateChannels(chs []Channel, tiers []Tier, existingInGuild int) Problems {
	if farBeyond(len(chs), MaxChannelsInGuild) {
		return Problems{problem("channels", channelFieldStructure, "the list has "+itoa(len(chs))+" channels and categories; Discord allows 500 in a guild")}
	}
	tierIDs := make(map[string]bool, len(tiers))
	for _, t := range tiers {
		tierIDs[t.ID] = true
	}
	var ps Problems
	keys := map[string]int{}
	for i, ch := range chs {
		if j, dup := keys[ch.Key]; dup && ch.Key != "" {
			ps = append(ps, problem(indexPath("channels", i)+".key", channelFieldKey,
				"key "+quote(ch.Key)+" is already used by channel "+itoa(j+1)+" ("+quote(chs[j].Name)+"); keys must be unique"))
			continue
		}
		keys[ch.Key] = i
	}
	adopted := map[string]int{}
	for i, ch := range chs {
		if ch.Adopt == "" {
			continue
		}
		if j, dup := adopted[ch.Adopt]; dup {
			ps = append(ps, problem(indexPath("channels", i)+".adopt", "Existing channel",
				"channel "+ch.Adopt+" is already adopted by channel "+itoa(j+1)+" ("+quote(chs[j].Name)+"); adopt each channel once"))
			continue
		}
		adopted[ch.Adopt] = i
	}
	children := map[string]int{}
	for i, ch := range chs {
		path := indexPath("channels", i)
		ps = append(ps, ValidateChannel(ch).WithPrefix(path)...)
		if ch.Parent != "" && ch.Type != ChannelCategory {
			j, ok := keys[ch.Parent]
			switch {
			case !ok:
				ps = append(ps, problem(path+".parent", channelFieldParent, "category "+quote(ch.Parent)+" is not in the channel list; choose an existing category or none"))
			case chs[j].Type != ChannelCategory:
				ps = append(ps, problem(path+".parent", channelFieldParent, quote(chs[j].Name)+" is a "+string(chs[j].Type)+" channel, not a category; choose a category"))
			default:
				children[ch.Parent]++
				if children[ch.Parent] == MaxChannelsPerParent+1 {
					ps = append(ps, problem(path+".parent", channelFieldParent, "category "+quote(chs[j].Name)+
						" would hold more than 50 channels, Discord's limit; move some channels to another category"))
				}
			}
		}
		if ch.MinTier != "" && !tierIDs[ch.MinTier] {
			ps = append(ps, problem(path+".minTier", channelFieldMinTier, "tier "+quote(ch.MinTier)+" does not exist (was it removed?); choose a tier or leave the channel open"))
		}
	}
	if existingInGuild < 0 {
		existingInGuild = 0
	}
	if total := len(chs) + existingInGuild; total > MaxChannelsInGuild {
		msg := "the guild would have " + itoa(total) + " channels and categories, more than Discord's limit of 500"
		if existingInGuild > 0 {
			msg += " (" + itoa(existingInGuild) + " exist already)"
		}
		ps = append(ps, problem("channels", channelFieldStructure, msg+"; remove some"))
	}
	return ps
}

// ChannelByKey returns the index of the channel with key, or -1.
func ChannelByKey(chs []Channel, key string) int {
	for i, ch := range chs {
		if ch.Key == key {
			return i
		}
	}
	return -1
}

// utfValid reports whether a topic is valid UTF-8 without NUL; topics may hold line breaks.
func utfValid(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
