package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load returns the defaults, overridden by the YAML file at path ("" = no file), overridden by
// the ARRAKIS_* variables of environ (os.Environ() form), and validated. Every unknown key (in
// the file, or an ARRAKIS_* variable that names no key) and every bad value is an error that
// names the key and where it was set; all of them are reported at once.
//
// Load does not require a token: the commands that talk to Discord check that themselves
// (RequireToken), so `arrakis manifest validate` works without one.
func Load(path string, environ []string) (*Config, error) {
	c := Default()
	var errs []error
	if path != "" {
		errs = append(errs, applyFile(c, path)...)
	}
	errs = append(errs, applyEnv(c, environ)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func applyFile(c *Config, path string) []error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []error{fmt.Errorf("config: file %s does not exist", path)}
	}
	if err != nil {
		return []error{fmt.Errorf("config: read %s: %w", path, err)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []error{fmt.Errorf("config: %s is not valid YAML: %w", path, err)}
	}
	if len(doc.Content) == 0 { // empty, or only comments
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return []error{fmt.Errorf("config: %s:%d: the file must be a mapping of keys such as \"discord:\" and \"data_dir:\"", path, root.Line)}
	}
	return walk(c, path, root, "")
}

// walk applies the keys of mapping m, whose keys are under prefix ("" or "discord.").
func walk(c *Config, file string, m *yaml.Node, prefix string) []error {
	var errs []error
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], resolve(m.Content[i+1])
		name := prefix + kn.Value
		at := fmt.Sprintf("config: %s:%d: %s", file, kn.Line, name)
		if seen[name] {
			errs = append(errs, fmt.Errorf("%s: set twice in the file", at))
			continue
		}
		seen[name] = true
		if k := keyByPath[name]; k != nil {
			if vn.Kind != yaml.ScalarNode {
				errs = append(errs, fmt.Errorf("%s: must be a single value, not a list or mapping", at))
				continue
			}
			value := vn.Value
			if vn.Tag == "!!null" {
				value = ""
			}
			if err := k.set(c, value); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", at, err))
			}
			continue
		}
		if isSection(name) {
			switch {
			case vn.Kind == yaml.MappingNode:
				errs = append(errs, walk(c, file, vn, name+".")...)
			case vn.Kind == yaml.ScalarNode && vn.Tag == "!!null": // an empty section
			default:
				errs = append(errs, fmt.Errorf("%s: must be a mapping of keys (%s)", at, strings.Join(sectionKeys(name), ", ")))
			}
			continue
		}
		if why, ok := movedKeys[name]; ok {
			errs = append(errs, fmt.Errorf("%s: %s", at, why))
			continue
		}
		errs = append(errs, fmt.Errorf("%s: unknown key%s", at, suggest(name, allPaths())))
	}
	return errs
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func applyEnv(c *Config, environ []string) []error {
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvPrefix) || ignoredEnvName(name) {
			continue
		}
		k := keyByEnv[name]
		if path, ok := movedEnv(name); ok {
			errs = append(errs, fmt.Errorf("config: environment variable %s (%s): %s", name, path, movedKeys[path]))
			continue
		}
		if k == nil {
			errs = append(errs, fmt.Errorf("config: environment variable %s names no configuration key%s", name, suggest(name, allEnvs())))
			continue
		}
		if err := k.set(c, value); err != nil {
			errs = append(errs, fmt.Errorf("config: %s (%s): %w", k.Env, k.Path, err))
		}
	}
	return errs
}

// movedKeys are keys that no longer exist, each with the sentence that says where its
// setting went, so an old config file or environment gets directions, not "unknown key".
var movedKeys = map[string]string{
	"drift.alert_channel": "this setting moved: each server now chooses its own alert channel in /setup " +
		"(step 6, \"Alert channel\"; alerts.channel in the manifest YAML), so one server's alerts never reach another; " +
		"remove this key",
}

// movedEnv reports whether name is the environment variable of a moved key, and which.
func movedEnv(name string) (string, bool) {
	for path := range movedKeys {
		if name == EnvPrefix+strings.ToUpper(strings.ReplaceAll(path, ".", "_")) {
			return path, true
		}
	}
	return "", false
}

func ignoredEnvName(name string) bool {
	for _, p := range ignoredEnv {
		if name == p || (strings.HasSuffix(p, "_") && strings.HasPrefix(name, p)) {
			return true
		}
	}
	return false
}

func isSection(name string) bool { return len(sectionKeys(name)) > 0 }

// sectionKeys are the key names under section name ("discord" → token, application_id, …).
func sectionKeys(name string) []string {
	var out []string
	for _, k := range keys {
		if rest, ok := strings.CutPrefix(k.Path, name+"."); ok {
			out = append(out, rest)
		}
	}
	return out
}

func allPaths() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Path
	}
	return out
}

func allEnvs() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Env
	}
	return out
}

// suggest returns ` (did you mean "x"?)` for the closest candidate, when one is close.
func suggest(name string, candidates []string) string {
	best, bestD := "", len(name)/3+1
	for _, c := range candidates {
		if d := distance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return " (config.yaml lists every key)"
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = slices.Min([]int{prev[j] + 1, cur[j-1] + 1, prev[j-1] + cost})
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
