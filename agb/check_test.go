package agb

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	today := MustDate(2025, time.June, 15)
	with := func(edit func(r *Registration)) Registration {
		r := gp()
		edit(&r)
		return r
	}
	person := func(code Code, kwal Kwalificatie) Registration {
		return with(func(r *Registration) {
			r.Code = code
			r.Relations = nil
			r.Qualifications = []Qualification{{Code: kwal, Start: r.Start}}
		})
	}
	tests := []struct {
		name       string
		reg        Registration
		role       string
		surname    string
		today      Date
		wantReason Reason // "" means admitted
		wantDetail string
	}{
		{name: "huisarts admitted", reg: gp(), role: "01.015", surname: "de Vries"},
		{name: "card surname without prefix", reg: gp(), role: "01.015", surname: "Vries"},
		{name: "card surname in comma form", reg: gp(), role: "01.015", surname: "Vries, de"},
		{name: "apotheker 17.000 with zorgsoort 02", reg: person("02900001", "0200"), role: "17.000", surname: "de Vries"},
		{name: "SO with 8418", reg: person("84900001", "8418"), role: "01.047", surname: "de Vries"},
		{name: "AVG with 8426", reg: person("84900002", "8426"), role: "01.056", surname: "de Vries"},
		{name: "internist with 0313", reg: person("03900001", "0313"), role: "01.016", surname: "de Vries"},
		{name: "nurse with 9110", reg: person("91900001", "9110"), role: "30.000", surname: "de Vries"},
		{name: "apotheekhoudend huisarts with 0110", reg: person("01900002", "0110"), role: "01.004", surname: "de Vries"},

		{name: "onderneming", reg: practice(), role: "01.015", surname: "de Vries",
			wantReason: ReasonNotZorgverlener, wantDetail: `registered as "onderneming"`},
		{name: "vestiging", reg: with(func(r *Registration) {
			*r = practice()
			r.Code, r.Kind = "71900100", KindVestiging
		}), role: "01.015", surname: "x", wantReason: ReasonNotZorgverlener},
		{name: "none code", reg: with(func(r *Registration) { r.Code = None }), role: "01.015", surname: "de Vries",
			wantReason: ReasonNoCode},
		{name: "invalid code", reg: with(func(r *Registration) { r.Code = "0190000" }), role: "01.015", surname: "de Vries",
			wantReason: ReasonInvalidCode},
		{name: "malformed register data fails closed", reg: with(func(r *Registration) { r.Status = "" }), role: "01.015",
			surname: "de Vries", wantReason: ReasonUnavailable, wantDetail: "register data"},

		{name: "surname mismatch", reg: gp(), role: "01.015", surname: "Visser",
			wantReason: ReasonSurnameMismatch, wantDetail: `card surname "Visser" does not match register surname "de Vries"`},
		{name: "empty card surname", reg: gp(), role: "01.015", surname: " ",
			wantReason: ReasonSurnameMismatch, wantDetail: "no surname"},
		{name: "surname checked before dates", reg: with(func(r *Registration) { r.End = MustDate(2020, time.January, 1) }),
			role: "01.015", surname: "Visser", wantReason: ReasonSurnameMismatch},

		{name: "starts tomorrow", reg: with(func(r *Registration) { r.Start = today.AddDays(1); r.Qualifications[0].Start = r.Start }),
			role: "01.015", surname: "de Vries", wantReason: ReasonNotYetActive, wantDetail: "starts on 2025-06-16"},
		{name: "starts today", reg: with(func(r *Registration) { r.Start = today; r.Qualifications[0].Start = today }),
			role: "01.015", surname: "de Vries"},
		{name: "ends today", reg: with(func(r *Registration) { r.End = today }), role: "01.015", surname: "de Vries"},
		{name: "ended yesterday", reg: with(func(r *Registration) { r.End = today.AddDays(-1) }),
			role: "01.015", surname: "de Vries", wantReason: ReasonEnded, wantDetail: "ended on 2025-06-14"},
		{name: "ended by register status", reg: with(func(r *Registration) { r.Status = StatusEnded }),
			role: "01.015", surname: "de Vries", wantReason: ReasonEnded, wantDetail: "beeindigd"},
		{name: "zero today refuses", reg: gp(), role: "01.015", surname: "de Vries", today: Date{},
			wantReason: ReasonNotYetActive},

		{name: "malformed role", reg: gp(), role: "01015", surname: "de Vries",
			wantReason: ReasonUnknownRole, wantDetail: "PP.SSS"},
		{name: "role without fit", reg: gp(), role: "01.055", surname: "de Vries",
			wantReason: ReasonUnknownRole, wantDetail: "01.055"},
		{name: "GP code for an SO card", reg: gp(), role: "01.047", surname: "de Vries",
			wantReason: ReasonNoFittingQualification, wantDetail: "needs kwalificatie 8418; register lists 0101"},
		{name: "01.004 without 0110", reg: gp(), role: "01.004", surname: "de Vries",
			wantReason: ReasonNoFittingQualification, wantDetail: "needs kwalificatie 0110"},
		{name: "add-on only", reg: with(func(r *Registration) { r.Qualifications[0].Code = "0102" }), role: "01.015",
			surname: "de Vries", wantReason: ReasonNoFittingQualification, wantDetail: "register lists 0102"},
		{name: "fitting qualification ended yesterday", reg: with(func(r *Registration) { r.Qualifications[0].End = today.AddDays(-1) }),
			role: "01.015", surname: "de Vries", wantReason: ReasonNoFittingQualification,
			wantDetail: "fitting but not active today: 0101 (2010-03-01..2025-06-14)"},
		{name: "fitting qualification ends today", reg: with(func(r *Registration) { r.Qualifications[0].End = today }),
			role: "01.015", surname: "de Vries"},
		{name: "fitting qualification starts tomorrow", reg: with(func(r *Registration) { r.Qualifications[0].Start = today.AddDays(1) }),
			role: "01.015", surname: "de Vries", wantReason: ReasonNoFittingQualification},
		{name: "one ended, one active", reg: with(func(r *Registration) {
			r.Qualifications = []Qualification{
				{Code: "0103", Start: r.Start, End: today.AddDays(-30)},
				{Code: "0101", Start: today.AddDays(-29)},
			}
		}), role: "01.015", surname: "de Vries"},
		{name: "no qualifications", reg: with(func(r *Registration) { r.Qualifications = nil }), role: "01.015",
			surname: "de Vries", wantReason: ReasonNoFittingQualification, wantDetail: "register lists no kwalificatie"},
		{name: "bedrijfsarts fits truthfully", reg: person("14900001", "1402"), role: "01.008", surname: "de Vries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			day := today
			if tt.name == "zero today refuses" {
				day = tt.today
			}
			err := Check(tt.reg, tt.role, tt.surname, day)
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("Check = %v, want admitted", err)
				}
				return
			}
			reason, ok := ReasonOf(err)
			if !ok || reason != tt.wantReason {
				t.Fatalf("Check = %v, want reason %q", err, tt.wantReason)
			}
			var ce *CheckError
			errors.As(err, &ce)
			if !strings.Contains(ce.Detail, tt.wantDetail) {
				t.Fatalf("Detail = %q, want it to contain %q", ce.Detail, tt.wantDetail)
			}
		})
	}
}

func TestReasonsAreStable(t *testing.T) {
	want := map[Reason]string{
		ReasonNoCode: "no-code", ReasonInvalidCode: "invalid-code", ReasonNotFound: "not-found",
		ReasonUnavailable: "register-unavailable", ReasonNotZorgverlener: "not-zorgverlener",
		ReasonSurnameMismatch: "surname-mismatch", ReasonNotYetActive: "not-yet-active", ReasonEnded: "ended",
		ReasonUnknownRole: "unknown-role", ReasonNoFittingQualification: "no-fitting-qualification",
	}
	all := Reasons()
	if len(all) != len(want) {
		t.Fatalf("Reasons() has %d entries, want %d", len(all), len(want))
	}
	for _, r := range all {
		if want[r] != string(r) {
			t.Errorf("reason %q changed or is unlisted", r)
		}
	}
	if _, ok := ReasonOf(errors.New("other")); ok {
		t.Error("ReasonOf accepted a non-CheckError")
	}
	e := &CheckError{Reason: ReasonEnded}
	if e.Error() != "agb: ended" {
		t.Errorf("Error() = %q", e.Error())
	}
}

// failingLookup answers every lookup with err.
type failingLookup struct{ err error }

func (f failingLookup) Lookup(context.Context, Code) (Registration, error) {
	return Registration{}, f.err
}

// wrongCodeLookup answers with a registration for another code.
type wrongCodeLookup struct{}

func (wrongCodeLookup) Lookup(context.Context, Code) (Registration, error) { return practice(), nil }

func TestCheckCode(t *testing.T) {
	today := MustDate(2025, time.June, 15)
	reg, err := NewMapRegister(gp(), practice())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		lookup     Lookup
		code       string
		role       string
		wantReason Reason
		wantIs     error
	}{
		{name: "admitted", lookup: reg, code: "01900001", role: "01.015"},
		{name: "typed with spaces around", lookup: reg, code: " 01900001\t", role: "01.015"},
		{name: "card without AGB", lookup: reg, code: "00000000", role: "01.015", wantReason: ReasonNoCode, wantIs: ErrNoCode},
		{name: "nothing typed", lookup: reg, code: "", role: "01.015", wantReason: ReasonNoCode},
		{name: "not a code", lookup: reg, code: "1234", role: "01.015", wantReason: ReasonInvalidCode, wantIs: ErrInvalidCode},
		{name: "not in register", lookup: reg, code: "01900009", role: "01.015", wantReason: ReasonNotFound, wantIs: ErrNotFound},
		{name: "organisation code", lookup: reg, code: "01900100", role: "01.015", wantReason: ReasonNotZorgverlener},
		{name: "wrong role", lookup: reg, code: "01900001", role: "17.000", wantReason: ReasonNoFittingQualification},
		{name: "register down", lookup: failingLookup{ErrUnavailable}, code: "01900001", role: "01.015",
			wantReason: ReasonUnavailable, wantIs: ErrUnavailable},
		{name: "lookup breaking the contract fails closed", lookup: failingLookup{errors.New("boom")}, code: "01900001",
			role: "01.015", wantReason: ReasonUnavailable, wantIs: ErrUnavailable},
		{name: "lookup answering another code fails closed", lookup: wrongCodeLookup{}, code: "01900001",
			role: "01.015", wantReason: ReasonUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckCode(context.Background(), tt.lookup, tt.code, tt.role, "de Vries", today)
			if tt.wantReason == "" {
				if err != nil || got.Code != "01900001" {
					t.Fatalf("CheckCode = %+v, %v", got, err)
				}
				return
			}
			if reason, _ := ReasonOf(err); reason != tt.wantReason {
				t.Fatalf("CheckCode error = %v, want reason %q", err, tt.wantReason)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Fatalf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if got.Code != "" {
				t.Fatalf("a refusal returned registration %s", got.Code)
			}
		})
	}
}
