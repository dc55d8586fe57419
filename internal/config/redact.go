package config

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Redacted is every key with its value, safe to log: secrets show as "REDACTED" when set and
// a password in the Redis URL is masked.
func (c *Config) Redacted() map[string]any {
	out := make(map[string]any, len(keys))
	for i := range keys {
		k := &keys[i]
		v := k.get(c)
		switch {
		case secretKeys[k.Path]:
			if v != "" {
				v = "REDACTED"
			}
		case k.Path == "redis.url":
			v = redactURL(c.Redis.URL)
		}
		out[k.Path] = v
	}
	return out
}

// String prints the redacted configuration, so %v and %+v never show a secret.
func (c *Config) String() string {
	r := c.Redacted()
	paths := make([]string, 0, len(r))
	for p := range r {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for i, p := range paths {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", p, r[p])
	}
	return b.String()
}

// GoString keeps %#v redacted too.
func (c *Config) GoString() string { return "config.Config{" + c.String() + "}" }

func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "REDACTED" // unparsable: it may hold anything
	}
	return u.Redacted()
}
