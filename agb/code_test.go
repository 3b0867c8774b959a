package agb

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		noCode  bool
	}{
		{name: "huisarts with leading zero", in: "01000404"},
		{name: "apotheker", in: "02123456"},
		{name: "legal entity code is syntactically valid", in: "17000001"},
		{name: "vestiging range 71", in: "71001001"},
		{name: "hospital", in: "06020101"},
		{name: "empty", in: "", wantErr: "empty"},
		{name: "seven digits (leading zero lost)", in: "1000404", wantErr: "exactly 8 digits"},
		{name: "nine digits", in: "010004040", wantErr: "exactly 8 digits"},
		{name: "letter", in: "0100040a", wantErr: "exactly 8 digits"},
		{name: "surrounding space is not trimmed", in: " 01000404", wantErr: "exactly 8 digits"},
		{name: "non-ASCII digits", in: "٠١٠٠٠٤٠٤", wantErr: "exactly 8 digits"},
		{name: "full-width digits", in: "０１０００４０４", wantErr: "exactly 8 digits"},
		{name: "sentinel of a card without AGB", in: "00000000", noCode: true, wantErr: "no AGB code"},
		{name: "unknown zorgsoort 99", in: "99000001", wantErr: "unknown zorgsoort 99"},
		{name: "unknown zorgsoort 00", in: "00000001", wantErr: "unknown zorgsoort 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCode(tt.in)
			if tt.wantErr == "" {
				if err != nil || string(got) != tt.in || !got.Valid() {
					t.Fatalf("ParseCode(%q) = %q, %v", tt.in, got, err)
				}
				if got.Zorgsoort() != Zorgsoort(tt.in[:2]) {
					t.Fatalf("Zorgsoort() = %q", got.Zorgsoort())
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidCode) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseCode(%q) error = %v, want ErrInvalidCode containing %q", tt.in, err, tt.wantErr)
			}
			if errors.Is(err, ErrNoCode) != tt.noCode {
				t.Fatalf("errors.Is(err, ErrNoCode) = %v, want %v", !tt.noCode, tt.noCode)
			}
			if Code(tt.in).Valid() {
				t.Fatalf("Code(%q).Valid() = true", tt.in)
			}
		})
	}
	if None.Valid() {
		t.Fatal("None must not be a valid registration code")
	}
	if Code("1").Zorgsoort() != "" {
		t.Fatal("a one-character code must have no zorgsoort")
	}
}
