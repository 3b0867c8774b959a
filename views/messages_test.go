package views

import (
	"strings"
	"testing"
)

func TestCatalogLoadsBothLanguagesWithTheSameKeys(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range c.Keys() {
		for _, lang := range Languages {
			if text := c.T(lang, key); strings.TrimSpace(text) == "" || strings.HasPrefix(text, "[") {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
	}
	if got := c.T("en", "nav.logout"); got != "Log out" {
		t.Errorf("en nav.logout = %q", got)
	}
	if got := c.T("nl", "nav.logout"); got != "Uitloggen" {
		t.Errorf("nl nav.logout = %q", got)
	}
	if got := c.T("de", "nav.logout"); got != "Uitloggen" {
		t.Errorf("unknown language should fall back to Dutch, got %q", got)
	}
	if got := c.T("nl", "no.such.key"); got != "[no.such.key]" {
		t.Errorf("unknown key = %q", got)
	}
}
