package views

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Languages lists the languages of the screens; Dutch first, it is the default.
var Languages = []string{"nl", "en"}

// Catalog holds every user-facing sentence in every language, keyed by a stable message key; code and
// templates name keys, never sentences, so that no screen can show Dutch to one user and English to
// another by accident.
type Catalog struct {
	messages map[string]map[string]string // lang -> key -> text
}

// LoadCatalog reads messages/<lang>/*.json (one file per area of the portal) for every language and checks
// that no key is defined twice and that all languages know the same keys, so that a missing translation is
// a start-up error and not a blank on a screen.
func LoadCatalog() (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}}
	for _, lang := range Languages {
		files, err := fs.Glob(FS, "messages/"+lang+"/*.json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("views: no messages for %s", lang)
		}
		m := map[string]string{}
		for _, file := range files {
			data, err := fs.ReadFile(FS, file)
			if err != nil {
				return nil, fmt.Errorf("views: %s: %w", file, err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("views: %s: %w", file, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("views: %s defines %q again", file, k)
				}
				m[k] = v
			}
		}
		c.messages[lang] = m
	}
	base := c.messages[Languages[0]]
	for _, lang := range Languages[1:] {
		if missing := diff(base, c.messages[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("views: messages/%s lacks %s", lang, strings.Join(missing, ", "))
		}
		if extra := diff(c.messages[lang], base); len(extra) > 0 {
			return nil, fmt.Errorf("views: messages/%s lacks %s", Languages[0], strings.Join(extra, ", "))
		}
	}
	return c, nil
}

func diff(a, b map[string]string) []string {
	var missing []string
	for k := range a {
		if _, ok := b[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return missing
}

// Has reports whether a key exists; callers that build keys from data (refusal reasons) check first.
func (c *Catalog) Has(key string) bool {
	_, ok := c.messages[Languages[0]][key]
	return ok
}

// T gives the text of a key in a language, with fmt-style arguments. An unknown language falls back to
// Dutch; an unknown key shows itself in brackets, which a test of every page would catch.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.messages[lang]
	if !ok {
		m = c.messages[Languages[0]]
	}
	text, ok := m[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// Keys lists every key, sorted; tests use it to check that each key is used or translated.
func (c *Catalog) Keys() []string {
	var keys []string
	for k := range c.messages[Languages[0]] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
