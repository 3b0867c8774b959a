package medication_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/medication"
)

// T is the test date of the worked examples (the placeholder date T of the MP9 qualification data).
var T = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)

// at is T plus days, at a time of day.
func at(days, hour, minute, second int) *time.Time {
	t := T.AddDate(0, 0, days).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute + time.Duration(second)*time.Second)
	return &t
}

const (
	mbh   = "MBH_1"
	idSys = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.16076005.1"
	taSys = "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.422037009.1"
)

var nextID int64

// rec is an MP9 record of treatment mbh.
type rec struct {
	block      dossier.MedicationBlock
	id         string
	registered *time.Time
	start, end *time.Time
	stop       dossier.StopType
	prior      string
	reason     string
	status     string
	handedOver *time.Time
}

func (r rec) medication() dossier.Medication {
	nextID++
	sys := idSys
	if r.block == dossier.AdministrationAgreement {
		sys = taSys
	}
	m := dossier.Medication{
		ID: nextID, PatientID: 1, Drug: "PARACETAMOL TABLET 1000MG", Status: orDefault(r.status, "active"),
		StartAt: r.start, StopAt: r.end, StopReason: r.reason,
		MP9: dossier.MP9{
			Category: r.block, IdentifierSystem: sys, IdentifierValue: r.id, TreatmentSystem: "urn:oid:2.16.840.1.113883.2.4.3.11.999.77.1.1",
			TreatmentValue: mbh, RegisteredAt: r.registered, StopType: r.stop, HandedOverAt: r.handedOver,
		},
	}
	fhirID := "fhir-" + r.id
	m.FHIRID = &fhirID
	if r.prior != "" {
		rel := dossier.LinkPrior
		if r.block == dossier.AdministrationAgreement {
			rel = dossier.LinkAdministrationAgreement
		}
		m.Links = dossier.MedicationLinks{{Relation: rel, System: sys, Value: r.prior}}
	}
	return m
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func records(rs ...rec) []dossier.Medication {
	out := make([]dossier.Medication, len(rs))
	for i, r := range rs {
		out[i] = r.medication()
	}
	return out
}

// summary writes an overview as "id:state" lists, current and history, for comparison.
func summary(o medication.Overview) (current, history []string) {
	for _, l := range o.Current {
		current = append(current, l.Record.IdentifierValue+":"+string(l.State))
	}
	for _, l := range o.History {
		history = append(history, l.Record.IdentifierValue+":"+string(l.State))
	}
	// Folded lines are not in the history; they stay on their treatment, marked.
	for _, t := range o.Treatments {
		for _, l := range t.Lines {
			if l.Folded && !l.State.IsCurrent() {
				history = append(history, l.Record.IdentifierValue+":"+string(l.State)+"(folded)")
			}
		}
	}
	slices.Sort(current)
	slices.Sort(history)
	return
}

func TestBuild(t *testing.T) {
	// Example A (mv-mp-vo-kwal-script9 set, paracetamol): start, stop before an operation, a future
	// agreement, its cancellation and a definitive stop.
	scriptA := func(upTo int) []dossier.Medication {
		all := []rec{
			{block: dossier.MedicationAgreement, id: "MA", registered: at(-14, 11, 24, 0), start: at(-14, 11, 30, 0)},
			{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(-12, 11, 24, 0), start: at(-14, 11, 30, 0), end: at(13, 23, 59, 59), stop: dossier.Stopped, prior: "MA", reason: "medicatiebeleid veranderd"},
			{block: dossier.MedicationAgreement, id: "MA_TOEKOMSTIG", registered: at(-12, 11, 30, 0), start: at(14, 0, 0, 0), end: at(17, 0, 0, 0)},
			{block: dossier.MedicationAgreement, id: "MA_ANNULERING", registered: at(7, 10, 0, 0), start: at(14, 0, 0, 0), end: at(14, 0, 0, 0), stop: dossier.Cancelled, prior: "MA_TOEKOMSTIG", reason: "operatie gaat niet door"},
			{block: dossier.MedicationAgreement, id: "MA_DEFINITIEVESTOP", registered: at(7, 10, 5, 0), start: at(-14, 11, 30, 0), end: at(13, 23, 59, 59), stop: dossier.Stopped, prior: "MA_STOP", reason: "medicatiebeleid veranderd"},
		}
		return records(all[:upTo]...)
	}
	// Example B (script1 + script1-wijziging, capecitabine): a change sends a technical stop up to T+20
	// and a new agreement from T+21.
	scriptB := func() []dossier.Medication {
		return records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(0, 8, 0, 0), start: at(0, 0, 0, 0), end: at(147, 0, 0, 0)},
			rec{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(20, 9, 0, 0), start: at(0, 0, 0, 0), end: at(20, 23, 59, 59), stop: dossier.Stopped, prior: "MA", reason: "gebrek aan geneesmiddeleffect"},
			rec{block: dossier.MedicationAgreement, id: "MA_WIJZIGING", registered: at(20, 9, 0, 0), start: at(21, 0, 0, 0), end: at(147, 0, 0, 0), prior: "MA", reason: "gebrek aan geneesmiddeleffect"},
		)
	}
	// Example C (script5 + script5-stop, temazepam): stopped early for an adverse reaction.
	scriptC := func() []dossier.Medication {
		return records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-1, 9, 0, 0), start: at(-1, 0, 0, 0), end: at(5, 0, 0, 0)},
			rec{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(2, 9, 0, 0), start: at(-1, 0, 0, 0), end: at(2, 23, 59, 59), stop: dossier.Stopped, prior: "MA", reason: "ongewenste reactie op medicatie en/of drugs"},
		)
	}
	// Pause (onderbroken 385655000) until an operation, then resumed by a new agreement.
	pause := func(resumed bool) []dossier.Medication {
		rs := []rec{
			{block: dossier.MedicationAgreement, id: "MA", registered: at(-10, 9, 0, 0), start: at(-10, 0, 0, 0)},
			{block: dossier.MedicationAgreement, id: "MA_PAUZE", registered: at(0, 9, 0, 0), start: at(-10, 0, 0, 0), end: at(1, 23, 59, 59), stop: dossier.Paused, prior: "MA", reason: "verrichting gepland"},
		}
		if resumed {
			rs = append(rs, rec{block: dossier.MedicationAgreement, id: "MA_HERVAT", registered: at(5, 9, 0, 0), start: at(6, 0, 0, 0), prior: "MA_PAUZE"})
		}
		return records(rs...)
	}

	tests := []struct {
		name             string
		records          []dossier.Medication
		now              *time.Time
		current, history []string
	}{
		{"A at T: stop planned for T+13 in force, future agreement", scriptA(3), at(0, 12, 0, 0),
			[]string{"MA_STOP:in_force", "MA_TOEKOMSTIG:future"}, []string{"MA:replaced(folded)"}},
		{"A at T+8: definitive stop in force, future one cancelled", scriptA(5), at(8, 12, 0, 0),
			[]string{"MA_DEFINITIEVESTOP:in_force"},
			[]string{"MA:replaced(folded)", "MA_ANNULERING:cancelled(folded)", "MA_STOP:replaced(folded)", "MA_TOEKOMSTIG:cancelled"}},
		{"A at T+13 last second: still in force", scriptA(5), at(13, 23, 59, 59),
			[]string{"MA_DEFINITIEVESTOP:in_force"},
			[]string{"MA:replaced(folded)", "MA_ANNULERING:cancelled(folded)", "MA_STOP:replaced(folded)", "MA_TOEKOMSTIG:cancelled"}},
		{"A from T+14: nothing current", scriptA(5), at(14, 0, 0, 0),
			nil, []string{"MA:replaced(folded)", "MA_ANNULERING:cancelled(folded)", "MA_DEFINITIEVESTOP:stopped", "MA_STOP:replaced(folded)", "MA_TOEKOMSTIG:cancelled"}},
		{"B at T+20: old dose until tonight, new dose future", scriptB(), at(20, 12, 0, 0),
			[]string{"MA_STOP:in_force", "MA_WIJZIGING:future"}, []string{"MA:replaced(folded)"}},
		{"B at T+21: new dose only", scriptB(), at(21, 12, 0, 0),
			[]string{"MA_WIJZIGING:in_force"}, []string{"MA:replaced(folded)", "MA_STOP:replaced"}},
		{"C at T+2: in force, stops today", scriptC(), at(2, 12, 0, 0),
			[]string{"MA_STOP:in_force"}, []string{"MA:replaced(folded)"}},
		{"C at T+3: stopped", scriptC(), at(3, 0, 0, 1),
			nil, []string{"MA:replaced(folded)", "MA_STOP:stopped"}},
		{"pause at T: in force until the pause", pause(false), at(0, 12, 0, 0),
			[]string{"MA_PAUZE:in_force"}, []string{"MA:replaced(folded)"}},
		{"pause at T+3: paused, not current", pause(false), at(3, 0, 0, 0),
			nil, []string{"MA:replaced(folded)", "MA_PAUZE:paused"}},
		{"pause resumed at T+7", pause(true), at(7, 0, 0, 0),
			[]string{"MA_HERVAT:in_force"}, []string{"MA:replaced(folded)", "MA_PAUZE:replaced"}},
		{"technical stop ends where the new agreement starts: the new one overrules", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(0, 8, 0, 0), start: at(0, 0, 0, 0)},
			rec{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(5, 8, 0, 0), start: at(0, 0, 0, 0), end: at(6, 0, 0, 0), stop: dossier.Stopped, prior: "MA"},
			rec{block: dossier.MedicationAgreement, id: "MA_NIEUW", registered: at(5, 8, 0, 0), start: at(6, 0, 0, 0), prior: "MA"},
		), at(6, 0, 0, 0), []string{"MA_NIEUW:in_force"}, []string{"MA:replaced(folded)", "MA_STOP:replaced"}},
		{"status is not read: a stop sent with status active still stops", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-5, 8, 0, 0), start: at(-5, 0, 0, 0), status: "active"},
			rec{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(-1, 8, 0, 0), start: at(-5, 0, 0, 0), end: at(-1, 23, 59, 59), stop: dossier.Stopped, prior: "MA", status: "active"},
		), at(0, 12, 0, 0), nil, []string{"MA:replaced(folded)", "MA_STOP:stopped"}},
		{"status is not read: completed without stop type and open period stays in force", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-5, 8, 0, 0), start: at(-5, 0, 0, 0), status: "completed"},
		), at(0, 12, 0, 0), []string{"MA:in_force"}, nil},
		{"period of use over without stop: ended", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-30, 8, 0, 0), start: at(-30, 0, 0, 0), end: at(-2, 23, 59, 59)},
		), at(0, 12, 0, 0), nil, []string{"MA:ended"}},
		{"parallel agreements in one treatment both in force", records(
			rec{block: dossier.MedicationAgreement, id: "MA_1", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0)},
			rec{block: dossier.MedicationAgreement, id: "MA_2", registered: at(-2, 8, 0, 0), start: at(-2, 0, 0, 0)},
		), at(0, 12, 0, 0), []string{"MA_1:in_force", "MA_2:in_force"}, nil},
		{"cancelled future agreement is never current", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-3, 8, 0, 0), start: at(4, 0, 0, 0)},
			rec{block: dossier.MedicationAgreement, id: "MA_ANN", registered: at(-1, 8, 0, 0), start: at(4, 0, 0, 0), end: at(4, 0, 0, 0), stop: dossier.Cancelled, prior: "MA"},
		), at(0, 12, 0, 0), nil, []string{"MA:cancelled", "MA_ANN:cancelled(folded)"}},
		{"records that stop each other in a loop are never hidden, never current", records(
			rec{block: dossier.MedicationAgreement, id: "MA_A", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0), end: at(5, 0, 0, 0), stop: dossier.Stopped, prior: "MA_B"},
			rec{block: dossier.MedicationAgreement, id: "MA_B", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0), end: at(5, 0, 0, 0), stop: dossier.Stopped, prior: "MA_A"},
		), at(0, 12, 0, 0), nil, []string{"MA_A:replaced", "MA_B:replaced"}},
		{"a dispense request alone is no medication", records(
			rec{block: dossier.DispenseRequest, id: "VV", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0)},
		), at(0, 12, 0, 0), nil, nil},
		{"entered-in-error is left out", records(
			rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0), status: "entered-in-error"},
		), at(0, 12, 0, 0), nil, nil},
		{"administration agreements stand in when no agreement was received", records(
			rec{block: dossier.AdministrationAgreement, id: "TA", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0)},
			rec{block: dossier.AdministrationAgreement, id: "TA_STOP", registered: at(-1, 8, 0, 0), start: at(-3, 0, 0, 0), end: at(-1, 23, 59, 59), stop: dossier.Stopped, prior: "TA"},
		), at(0, 12, 0, 0), nil, []string{"TA:replaced(folded)", "TA_STOP:stopped"}},
		{"a variable dosing regimen without its agreement still shows the drug", records(
			rec{block: dossier.VariableDosingRegimen, id: "WDS", registered: at(-3, 8, 0, 0), start: at(-3, 0, 0, 0)},
		), at(0, 12, 0, 0), []string{"WDS:in_force"}, nil},
		{"medication use alone: stop type decides", records(
			rec{block: dossier.MedicationUse, id: "MGB", registered: at(-3, 8, 0, 0), start: at(-30, 0, 0, 0), end: at(-1, 0, 0, 0), stop: dossier.Stopped},
		), at(0, 12, 0, 0), nil, []string{"MGB:stopped"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := medication.Build(tc.records, *tc.now)
			current, history := summary(o)
			if fmt.Sprint(current) != fmt.Sprint(tc.current) {
				t.Errorf("current = %v, want %v", current, tc.current)
			}
			if fmt.Sprint(history) != fmt.Sprint(tc.history) {
				t.Errorf("history = %v, want %v", history, tc.history)
			}
		})
	}
}

// TestBuildStopDetails checks what the screens show of a stop: its date and reason, on the current line
// until the stop date and on the history line after it.
func TestBuildStopDetails(t *testing.T) {
	rs := records(
		rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-1, 9, 0, 0), start: at(-1, 0, 0, 0), end: at(5, 0, 0, 0)},
		rec{block: dossier.MedicationAgreement, id: "MA_STOP", registered: at(2, 9, 0, 0), start: at(-1, 0, 0, 0), end: at(2, 23, 59, 59), stop: dossier.Stopped, prior: "MA", reason: "ongewenste reactie op medicatie en/of drugs"},
	)
	o := medication.Build(rs, *at(2, 12, 0, 0))
	if len(o.Current) != 1 || !o.Current[0].StopAt.Equal(*at(2, 23, 59, 59)) || o.Current[0].Reason != "ongewenste reactie op medicatie en/of drugs" {
		t.Fatalf("current at T+2: %+v", o.Current)
	}
	o = medication.Build(rs, *at(3, 12, 0, 0))
	var stopped *medication.Line
	for i := range o.History {
		if o.History[i].State == medication.Stopped {
			stopped = &o.History[i]
		}
	}
	if stopped == nil || !stopped.StopAt.Equal(*at(2, 23, 59, 59)) || !strings.Contains(stopped.Reason, "ongewenste reactie") {
		t.Fatalf("history at T+3: %+v", o.History)
	}
	if o.History[0].State != medication.Stopped {
		t.Errorf("the most recent stop comes first in the history: %+v", o.History)
	}
}

// TestBuildPharmacySide checks that a treatment carries its administration agreement in force, its
// latest dispense and the patient's use, and that these never become lines of their own.
func TestBuildPharmacySide(t *testing.T) {
	rs := records(
		rec{block: dossier.MedicationAgreement, id: "MA", registered: at(-10, 9, 0, 0), start: at(-10, 0, 0, 0)},
		rec{block: dossier.DispenseRequest, id: "VV", registered: at(-10, 9, 0, 0)},
		rec{block: dossier.AdministrationAgreement, id: "TA", registered: at(-10, 10, 0, 0), start: at(-10, 0, 0, 0)},
		rec{block: dossier.AdministrationAgreement, id: "TA_2", registered: at(-2, 10, 0, 0), start: at(-2, 0, 0, 0), prior: "TA"},
		rec{block: dossier.MedicationDispense, id: "MVE_1", handedOver: at(-10, 11, 0, 0)},
		rec{block: dossier.MedicationDispense, id: "MVE_2", handedOver: at(-2, 11, 0, 0)},
		rec{block: dossier.MedicationUse, id: "MGB", registered: at(-1, 9, 0, 0), start: at(-10, 0, 0, 0)},
	)
	o := medication.Build(rs, *at(0, 12, 0, 0))
	if len(o.Current) != 1 || o.Current[0].Record.IdentifierValue != "MA" {
		t.Fatalf("current: %+v", o.Current)
	}
	tr := o.Current[0].Treatment
	if tr.AdministrationAgreement == nil || tr.AdministrationAgreement.Record.IdentifierValue != "TA_2" {
		t.Errorf("administration agreement in force: %+v", tr.AdministrationAgreement)
	}
	if tr.LastDispense == nil || tr.LastDispense.IdentifierValue != "MVE_2" {
		t.Errorf("last dispense: %+v", tr.LastDispense)
	}
	if len(tr.Use) != 1 || tr.Use[0].State != medication.InForce {
		t.Errorf("use: %+v", tr.Use)
	}
	if len(o.History) != 0 {
		t.Errorf("history: %+v", o.History)
	}
	var shown []string
	for _, l := range tr.Lines {
		shown = append(shown, l.Record.IdentifierValue)
	}
	shown = append(shown, tr.AdministrationAgreement.Record.IdentifierValue, tr.LastDispense.IdentifierValue, tr.Use[0].Record.IdentifierValue)
	slices.Sort(shown)
	if fmt.Sprint(shown) != "[MA MGB MVE_2 TA_2]" {
		t.Errorf("records shown: %v, want the agreement, the TA in force, the last dispense and the use", shown)
	}
}

// TestBuildPlainRecords keeps records without an MP9 category as the portal always read them: one
// treatment each, state from FHIR status and dates.
func TestBuildPlainRecords(t *testing.T) {
	plain := func(id int64, status string, start, stop *time.Time) dossier.Medication {
		return dossier.Medication{ID: id, SourceKind: dossier.FromRequest, Drug: "drug " + status, Status: status, StartAt: start, StopAt: stop}
	}
	rs := []dossier.Medication{
		plain(1, "active", at(-10, 0, 0, 0), nil),
		plain(2, "stopped", at(-10, 0, 0, 0), at(-2, 0, 0, 0)),
		plain(3, "active", at(-10, 0, 0, 0), at(-1, 0, 0, 0)),
		plain(4, "active", at(3, 0, 0, 0), nil),
		plain(5, "on-hold", at(-10, 0, 0, 0), nil),
		plain(6, "entered-in-error", at(-10, 0, 0, 0), nil),
		plain(7, "cancelled", at(-10, 0, 0, 0), nil),
		plain(8, "active", at(-10, 0, 0, 0), nil),
		plain(9, "active", at(-10, 0, 0, 0), at(-1, 0, 0, 0)),
		plain(10, "active", at(-10, 0, 0, 0), at(3, 0, 0, 0)),
	}
	rs[8].StopType = dossier.Stopped // a stop type on a record without MP9 category still stops it
	rs[9].StopType = dossier.Cancelled
	o := medication.Build(rs, *at(0, 12, 0, 0))
	got := map[int64]medication.State{}
	for _, l := range append(o.Current, o.History...) {
		got[l.Record.ID] = l.State
	}
	want := map[int64]medication.State{1: medication.InForce, 2: medication.Stopped, 3: medication.Stopped, 4: medication.Future,
		5: medication.Paused, 7: medication.Cancelled, 8: medication.InForce, 9: medication.Stopped, 10: medication.Cancelled}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if len(o.Treatments) != 9 {
		t.Errorf("each plain record is its own treatment: %d treatments", len(o.Treatments))
	}
}
