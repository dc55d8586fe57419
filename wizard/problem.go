package wizard

import "strings"

// Problem is one thing wrong with an answer or a manifest, worded for the admin.
// Path locates it in the manifest ("tiers[1].rules[0].amount"); Field names it as the
// wizard shows it ("Minimum balance"); Message says what is wrong and what to do.
type Problem struct {
	Path    string `json:"path"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}

// Problems is a list of Problem; a non-empty list is an error.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "; ")
}

// Err returns ps as an error, or nil when there are no problems.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}
