package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// applyEnv overrides settings from the environment. Every scalar key has a variable: the key path in upper
// case with "_" for "." and the ZVP_ prefix, e.g. session.idle_timeout -> ZVP_SESSION_IDLE_TIMEOUT. Lists
// are comma-separated. Maps (uzi.oid_cas) are file-only: a map does not fit one variable readably.
func applyEnv(cfg *Config, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	return walkKeys(reflect.ValueOf(cfg).Elem(), "", func(key string, v reflect.Value) error {
		name := EnvName(key)
		raw := getenv(name)
		if raw == "" {
			return nil
		}
		if err := setFromString(v, raw); err != nil {
			return &KeyError{Key: key, Problem: fmt.Sprintf("environment variable %s: %v", name, err)}
		}
		return nil
	})
}

// EnvName gives the environment variable that overrides a configuration key.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Keys lists every configuration key in file order; the README table and the tests are checked against it.
func Keys() []string {
	var keys []string
	cfg := Default("")
	_ = walkKeys(reflect.ValueOf(&cfg).Elem(), "", func(key string, _ reflect.Value) error {
		keys = append(keys, key)
		return nil
	})
	return keys
}

var durationType = reflect.TypeOf(Duration{})

// walkKeys calls fn for every settable leaf of the configuration with its dotted key.
func walkKeys(v reflect.Value, prefix string, fn func(key string, v reflect.Value) error) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		key := prefix + name
		fv := v.Field(i)
		if fv.Kind() == reflect.Struct && fv.Type() != durationType {
			if err := walkKeys(fv, key+".", fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, fv); err != nil {
			return err
		}
	}
	return nil
}

// setFromString parses one environment value into the field's type.
func setFromString(v reflect.Value, raw string) error {
	if v.Type() == durationType {
		d, err := time.ParseDuration(raw)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(Duration{Duration: d}))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", raw)
		}
		v.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", raw)
		}
		v.SetInt(int64(n))
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return fmt.Errorf("this key can only be set in the configuration file")
		}
		var items []string
		for item := range strings.SplitSeq(raw, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("this key can only be set in the configuration file")
	}
	return nil
}
