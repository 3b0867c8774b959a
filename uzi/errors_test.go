package uzi

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
)

// TestReasons checks what the web layer relies on: every reason has a unique, short, kebab-case machine
// string and an English sentence, and Reasons() lists exactly the reasons that have one.
func TestReasons(t *testing.T) {
	key := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[Reason]bool{}
	for _, r := range Reasons() {
		if seen[r] {
			t.Errorf("reason %q is listed twice", r)
		}
		seen[r] = true
		if !key.MatchString(string(r)) || len(r) > 32 {
			t.Errorf("reason %q is not a short kebab-case key", r)
		}
		if r.Description() == "" {
			t.Errorf("reason %q has no description", r)
		}
	}
	if len(seen) != len(reasonText) {
		t.Errorf("Reasons() lists %d reasons, but %d have a description", len(seen), len(reasonText))
	}
	if len(seen) != 26 {
		t.Errorf("there are %d reasons, want 26; update this test and the web layer's catalogues together", len(seen))
	}
}

func TestErrorWrapping(t *testing.T) {
	err := fmt.Errorf("login refused: %w", fail(ReasonUZINumber, "the UZI number %q is not exactly 9 digits.", "1"))
	if !errors.Is(err, ErrNotUZI) {
		t.Error("a wrapped *Error does not match ErrNotUZI")
	}
	if !errors.Is(err, &Error{Reason: ReasonUZINumber}) {
		t.Error("a wrapped *Error does not match an *Error with the same reason")
	}
	if errors.Is(err, &Error{Reason: ReasonVersion}) {
		t.Error("a wrapped *Error matches an *Error with another reason")
	}
	if got := ReasonOf(err); got != ReasonUZINumber {
		t.Errorf("ReasonOf = %q, want %q", got, ReasonUZINumber)
	}
	if got := ReasonOf(errors.New("other")); got != "" {
		t.Errorf("ReasonOf(foreign error) = %q, want empty", got)
	}
	if got := ReasonOf(nil); got != "" {
		t.Errorf("ReasonOf(nil) = %q, want empty", got)
	}
	if got, want := (&Error{Reason: ReasonPolicy}).Error(), "uzi: "+ReasonPolicy.Description(); got != want {
		t.Errorf("Error() without detail = %q, want %q", got, want)
	}
	if got := (&Error{Reason: "made-up"}).Error(); got != "uzi: made-up" {
		t.Errorf("Error() of an unknown reason = %q", got)
	}
}
