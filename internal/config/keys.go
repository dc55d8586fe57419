package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// EnvPrefix starts every environment variable that sets a key.
const EnvPrefix = "ARRAKIS_"

// ignoredEnv are ARRAKIS_ variables that are not keys (a trailing "_" ignores a prefix): the
// config file path, the test environment of scripts/test, and the variables of the load tool
// (cmd/arrakis-load) and of test helpers, which may share an environment with the bot.
var ignoredEnv = []string{"ARRAKIS_CONFIG", "ARRAKIS_TEST_", "ARRAKIS_LOAD_", "ARRAKIS_FAKEDISCORD_", "ARRAKIS_DIR_SAVER_"}

// Key is one configuration key: its file path and its environment variable.
type Key struct {
	Path string // e.g. "discord.rest_base_url"
	Env  string // e.g. "ARRAKIS_DISCORD_REST_BASE_URL"

	index []int // field of Config
	typ   reflect.Type
}

// secretKeys are never printed.
var secretKeys = map[string]bool{"discord.token": true, "s3.secret_key": true}

var (
	keys      = collect(reflect.TypeFor[Config](), "", nil)
	keyByPath = map[string]*Key{}
	keyByEnv  = map[string]*Key{}
)

func init() {
	for i := range keys {
		k := &keys[i]
		if keyByPath[k.Path] != nil || keyByEnv[k.Env] != nil {
			panic("config: two keys named " + k.Path) // a programming error caught by every test
		}
		keyByPath[k.Path], keyByEnv[k.Env] = k, k
	}
}

// Keys lists every key in file order.
func Keys() []Key { return append([]Key(nil), keys...) }

func collect(t reflect.Type, prefix string, index []int) []Key {
	var out []Key
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		path := prefix + name
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			out = append(out, collect(f.Type, path+".", idx)...)
			continue
		}
		env := EnvPrefix + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
		out = append(out, Key{Path: path, Env: env, index: idx, typ: f.Type})
	}
	return out
}

var durationType = reflect.TypeFor[time.Duration]()

// set parses s as the key's type and stores it in c. The error says what was wrong with the
// value, without the key (the caller names it and where it came from).
func (k *Key) set(c *Config, s string) error {
	v := reflect.ValueOf(c).Elem().FieldByIndex(k.index)
	switch {
	case k.typ == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			if _, nerr := strconv.ParseFloat(strings.TrimSpace(s), 64); nerr == nil {
				return fmt.Errorf("%q is not a duration (try %q)", s, strings.TrimSpace(s)+"m")
			}
			return fmt.Errorf("%q is not a duration (for example \"15m\", \"90s\" or \"1h30m\")", s)
		}
		v.SetInt(int64(d))
	case k.typ.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a boolean (use true or false)", s)
		}
		v.SetBool(b)
	case k.typ.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		v.SetInt(int64(n))
	case k.typ.Kind() == reflect.String:
		v.SetString(s)
	default:
		panic("config: unsupported field type " + k.typ.String())
	}
	return nil
}

// get returns the key's value in c.
func (k *Key) get(c *Config) any {
	return reflect.ValueOf(c).Elem().FieldByIndex(k.index).Interface()
}
