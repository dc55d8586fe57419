package wizard

// The community name (step 1, INIT) is what the wizard and the review screen call the
// community. Discord shows it inside messages, so the bot must display it escaped
// (EscapeMarkdown) — the name itself may contain markdown characters.

// Community name limits, in characters after trimming.
const (
	CommunityNameMin = 3
	CommunityNameMax = 100
)

// ValidateCommunityName trims name and checks it is 3–100 characters with no control
// characters. clean is the trimmed name to store.
func ValidateCommunityName(name string) (clean string, ps Problems) {
	clean, msg := checkName(name, CommunityNameMin, CommunityNameMax)
	if msg != "" {
		if clean == "" {
			msg = "enter a name of 3 to 100 characters"
		}
		ps = append(ps, problem("community.name", "Community name", msg))
	}
	return clean, ps
}
