package drift

import (
	"fmt"
	"strconv"
)

// Values in items are rendered for people: colours as #RRGGBB, permissions as decimal
// bitsets, channel types by name.

func renderColor(c int) string { return fmt.Sprintf("#%06X", c) }

func renderType(t ChannelType) string {
	switch t {
	case TypeText:
		return "text"
	case TypeVoice:
		return "voice"
	case TypeCategory:
		return "category"
	case 5:
		return "announcement"
	}
	return "type " + strconv.Itoa(int(t))
}
