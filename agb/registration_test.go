package agb

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// gp returns a valid, active huisarts registration for tests to vary.
func gp() Registration {
	return Registration{
		Code: "01900001", Kind: KindZorgverlener,
		Surname: "Vries", Prefix: "de", Initials: "J.", GivenName: "Jan",
		Start: MustDate(2010, time.March, 1), Status: StatusActive,
		Qualifications: []Qualification{{Code: "0101", Start: MustDate(2010, time.March, 1)}},
		Relations:      []Relation{{OtherCode: "71900100", Kind: RelationWorksAt, Start: MustDate(2010, time.March, 1)}},
	}
}

func practice() Registration {
	return Registration{
		Code: "01900100", Kind: KindOnderneming, Name: "Huisartsenpraktijk De Linde",
		Start: MustDate(2005, time.January, 1), Status: StatusActive,
	}
}

func TestRegistrationValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(r *Registration)
		base    func() Registration
		wantErr string
	}{
		{name: "valid zorgverlener", edit: func(*Registration) {}},
		{name: "valid onderneming", base: practice, edit: func(*Registration) {}},
		{name: "valid vestiging in the 71 range", base: practice, edit: func(r *Registration) {
			r.Code, r.Kind = "71900100", KindVestiging
			r.Qualifications = []Qualification{{Code: "0101", Start: r.Start}}
			r.Relations = []Relation{{OtherCode: "01900100", Kind: RelationLocationOf, Start: r.Start}}
		}},
		{name: "invalid code", edit: func(r *Registration) { r.Code = "1900001" }, wantErr: "exactly 8 digits"},
		{name: "none code", edit: func(r *Registration) { r.Code = None }, wantErr: "no AGB code"},
		{name: "unknown kind", edit: func(r *Registration) { r.Kind = "persoon" }, wantErr: `kind "persoon"`},
		{name: "zorgverlener under hospital zorgsoort", edit: func(r *Registration) {
			r.Code = "06900001"
			r.Qualifications = nil
		}, wantErr: "zorgsoort 06 (Ziekenhuizen) is not used for zorgverleners"},
		{name: "zorgverlener under legal-entity zorgsoort 17", edit: func(r *Registration) {
			r.Code = "17900001"
			r.Qualifications = nil
		}, wantErr: "zorgsoort 17 (Rechtspersonen)"},
		{name: "zorgverlener without surname", edit: func(r *Registration) { r.Surname = " " }, wantErr: "needs a surname"},
		{name: "zorgverlener with organisation name", edit: func(r *Registration) { r.Name = "X" }, wantErr: "not an organisation name"},
		{name: "onderneming without name", base: practice, edit: func(r *Registration) { r.Name = "" }, wantErr: "needs a name"},
		{name: "onderneming with surname", base: practice, edit: func(r *Registration) { r.Surname = "Vries" }, wantErr: "not person name fields"},
		{name: "control character in name", edit: func(r *Registration) { r.Surname = "Vr\nies" }, wantErr: "control character"},
		{name: "name too long", edit: func(r *Registration) { r.GivenName = strings.Repeat("a", 201) }, wantErr: "longer than 200"},
		{name: "invalid UTF-8", edit: func(r *Registration) { r.Surname = "Vr\xffies" }, wantErr: "not valid UTF-8"},
		{name: "no start", edit: func(r *Registration) { r.Start = Date{} }, wantErr: "start date is missing"},
		{name: "end before start", edit: func(r *Registration) { r.End = r.Start.AddDays(-1) }, wantErr: "is before start date"},
		{name: "end equal to start is a one-day registration", edit: func(r *Registration) { r.End = r.Start }},
		{name: "unknown status", edit: func(r *Registration) { r.Status = "geschorst" }, wantErr: `status "geschorst"`},
		{name: "empty status", edit: func(r *Registration) { r.Status = "" }, wantErr: `status ""`},
		{name: "bad kwalificatie", edit: func(r *Registration) { r.Qualifications[0].Code = "101" }, wantErr: "qualification 1"},
		{name: "kwalificatie of another zorgsoort", edit: func(r *Registration) { r.Qualifications[0].Code = "8418" },
			wantErr: "kwalificatie 8418 belongs to zorgsoort 84, but code 01900001 is zorgsoort 01"},
		{name: "qualification ends before it starts", edit: func(r *Registration) {
			r.Qualifications[0].End = r.Qualifications[0].Start.AddDays(-1)
		}, wantErr: "qualification 1: end date"},
		{name: "relation to itself", edit: func(r *Registration) { r.Relations[0].OtherCode = r.Code }, wantErr: "related to itself"},
		{name: "relation of the wrong owner kind", edit: func(r *Registration) { r.Relations[0].Kind = RelationLocationOf },
			wantErr: `relation "vestiging-van" belongs on a vestiging, not on a zorgverlener`},
		{name: "unknown relation kind", edit: func(r *Registration) { r.Relations[0].Kind = "collega" }, wantErr: `relation kind "collega"`},
		{name: "relation to an invalid code", edit: func(r *Registration) { r.Relations[0].OtherCode = "x" }, wantErr: "other code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := gp
			if tt.base != nil {
				base = tt.base
			}
			r := base()
			tt.edit(&r)
			err := r.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidRegistration) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want ErrInvalidRegistration containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestRegistrationHelpers(t *testing.T) {
	r := gp()
	if got := r.DisplayName(); got != "J. de Vries" {
		t.Errorf("DisplayName() = %q", got)
	}
	if got := practice().DisplayName(); got != "Huisartsenpraktijk De Linde" {
		t.Errorf("DisplayName() = %q", got)
	}
	if r.Zorgsoort() != "01" {
		t.Errorf("Zorgsoort() = %q", r.Zorgsoort())
	}
	c := r.Clone()
	c.Qualifications[0].Code = "0102"
	c.Relations[0].Role = "x"
	if r.Qualifications[0].Code != "0101" || r.Relations[0].Role != "" {
		t.Error("Clone shares slices with the original")
	}
	tests := []struct {
		name string
		r    Registration
		day  Date
		want bool
	}{
		{"first day", r, r.Start, true},
		{"before start", r, r.Start.AddDays(-1), false},
		{"ended by status", func() Registration { x := gp(); x.Status = StatusEnded; return x }(), r.Start, false},
		{"last day", func() Registration { x := gp(); x.End = x.Start.AddDays(10); return x }(), r.Start.AddDays(10), true},
		{"after last day", func() Registration { x := gp(); x.End = x.Start.AddDays(10); return x }(), r.Start.AddDays(11), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.ActiveOn(tt.day); got != tt.want {
				t.Fatalf("ActiveOn(%v) = %v, want %v", tt.day, got, tt.want)
			}
		})
	}
}
