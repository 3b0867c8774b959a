// Package medication decides what a patient's medication is at a moment: per pharmaceutical treatment
// the agreement in force and its state, what came before, what the pharmacy agreed and dispensed, what
// the patient reports using and what was administered. It is one pure function over the records the
// store keeps, so that the screens never decide it themselves and a table of cases can pin it down.
//
// The rules are those of Medicatieproces 9 version 3.0 (MP9 3.0) as the Nictiz R4 profiles and release
// notes state them; the places are cited where they are applied. Records without an MP9 category (other
// senders, US data) are each a treatment of their own and keep the meaning of their FHIR status.
package medication

import (
	"slices"
	"strconv"
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// State is what an agreement (or the record standing in for one) is at a moment.
type State string

// States. Only InForce and Future are current medication; every other state is history.
const (
	InForce   State = "in_force"  // in use now
	Future    State = "future"    // agreed, starts later (toekomstig)
	Paused    State = "paused"    // onderbroken: temporarily stopped
	Stopped   State = "stopped"   // gestopt: stopped for good
	Cancelled State = "cancelled" // geannuleerd: never used
	Ended     State = "ended"     // its period of use is over
	Replaced  State = "replaced"  // changed: a later agreement took its place (gewijzigd)
)

// IsCurrent reports whether a line belongs under current medication.
func (s State) IsCurrent() bool { return s == InForce || s == Future }

// Line is one agreement with its state at the moment asked.
type Line struct {
	// Record is the agreement: an MA, else a TA, else a medication use, else the record itself.
	Record dossier.Medication
	State  State
	// StopAt is when use ends or ended: the end of the period of use (a stop record's stop date).
	StopAt *time.Time
	// Reason is why it was stopped, changed or cancelled, from the record that did it.
	Reason string
	// Treatment is the treatment the line belongs to, for its pharmacy side and use.
	Treatment *Treatment
	// Folded says another line of the treatment tells this one's story, so the history lists it once:
	// an agreement that a stop record ended (the stop record repeats its start and adds the end), and a
	// cancel record (its target is listed as cancelled, with the cancel's reason and date).
	Folded bool
}

// Treatment is one pharmaceutical treatment (medicamenteuze behandeling): every record that carries its
// identifier, or a single record without one.
type Treatment struct {
	Key string
	// Lines are the agreements, current and history.
	Lines []Line
	// AdministrationAgreement is the pharmacy's agreement (TA) in force or future, if any.
	AdministrationAgreement *Line
	// Schedule is the variable dosing regimen (WDS) in force or future, if any.
	Schedule *Line
	// LastDispense is the latest dispense (MVE): what was handed over, when, how much.
	LastDispense *dossier.Medication
	// Use is what the patient reports using (MGB), newest first.
	Use []Line
	// Administrations are the administrations (MTD), newest first.
	Administrations []dossier.Medication
}

// Overview is a patient's medication at a moment.
type Overview struct {
	// Current are the lines in force or in the future, newest start first.
	Current []Line
	// History are the lines stopped, paused, cancelled, ended or replaced, most recent stop first;
	// folded lines are left out (Treatment.Lines keeps them).
	History []Line
	// Treatments are all treatments, in the order of their first current line, then of their history.
	Treatments []*Treatment
}

// Build groups a patient's records into treatments and decides, at now, which agreement is in force.
func Build(records []dossier.Medication, now time.Time) Overview {
	groups := map[string][]dossier.Medication{}
	var keys []string
	for _, r := range records {
		// MP9 3.0 profiles: status entered-in-error is used only for error correction (a TA sent in
		// error, a dispense request withdrawn); such a record never existed for the overview.
		if r.Status == "entered-in-error" {
			continue
		}
		k := keyOf(r)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], r)
	}
	var o Overview
	for _, k := range keys {
		t := buildTreatment(k, groups[k], now)
		o.Treatments = append(o.Treatments, t)
		for _, l := range t.Lines {
			switch {
			case l.State.IsCurrent():
				o.Current = append(o.Current, l)
			case !l.Folded:
				o.History = append(o.History, l)
			}
		}
	}
	slices.SortStableFunc(o.Current, func(a, b Line) int {
		if c := boolOrder(a.State == InForce, b.State == InForce); c != 0 {
			return c
		}
		return laterFirst(a.Record.StartAt, b.Record.StartAt)
	})
	slices.SortStableFunc(o.History, func(a, b Line) int {
		if c := laterFirst(historyMoment(a), historyMoment(b)); c != 0 {
			return c
		}
		return laterFirst(a.Record.RegisteredAt, b.Record.RegisteredAt)
	})
	return o
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

func historyMoment(l Line) *time.Time {
	if l.StopAt != nil {
		return l.StopAt
	}
	if l.Record.RegisteredAt != nil {
		return l.Record.RegisteredAt
	}
	return l.Record.StartAt
}

// laterFirst orders moments newest first, unknown last.
func laterFirst(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return b.Compare(*a)
}

// keyOf is the treatment a record belongs to: its pharmaceutical treatment identifier ("used to group the
// disparate resources that belong to a single pharmaceutical treatment", ext-PharmaceuticalTreatment),
// else the record alone.
func keyOf(r dossier.Medication) string {
	if r.Category != dossier.NoBlock && r.TreatmentValue != "" {
		return "mbh|" + r.TreatmentSystem + "|" + r.TreatmentValue
	}
	return "record|" + string(r.SourceKind) + "|" + strconv.FormatInt(r.ID, 10)
}

func buildTreatment(key string, records []dossier.Medication, now time.Time) *Treatment {
	t := &Treatment{Key: key}
	by := map[dossier.MedicationBlock][]dossier.Medication{}
	for _, r := range records {
		by[r.Category] = append(by[r.Category], r)
	}
	switch {
	case len(by[dossier.MedicationAgreement]) > 0:
		// MA priorPrescription points at the agreement a new one changes, stops or cancels.
		t.Lines = agreementLines(by[dossier.MedicationAgreement], now, dossier.LinkPrior)
	case len(by[dossier.AdministrationAgreement]) > 0:
		// Without the prescriber's agreement the pharmacy's is the best account of the treatment
		// (mp:V9.0 voorbeeld medicatieoverzicht: pharmacists see TAs first).
		t.Lines = agreementLines(by[dossier.AdministrationAgreement], now, dossier.LinkAdministrationAgreement)
	case len(by[dossier.VariableDosingRegimen]) > 0:
		// A dosing schedule whose agreement was not received (a thrombosis service's schedule, say) still
		// says the drug is taken: hiding it would hide the drug.
		t.Lines = agreementLines(by[dossier.VariableDosingRegimen], now, dossier.LinkPrior)
	case len(by[dossier.MedicationUse]) > 0:
		t.Lines = agreementLines(by[dossier.MedicationUse], now)
	case len(by[dossier.NoBlock]) > 0:
		for _, r := range by[dossier.NoBlock] {
			t.Lines = append(t.Lines, plainLine(r, now))
		}
	case len(by[dossier.MedicationDispense]) > 0:
		t.Lines = []Line{dispenseLine(latestDispense(by[dossier.MedicationDispense]), now)}
	case len(by[dossier.MedicationAdministered]) > 0:
		last := newestFirst(by[dossier.MedicationAdministered])[0]
		t.Lines = []Line{{Record: last, State: Ended, StopAt: last.StartAt}}
	}
	// A dispense request (VV) is never medication of its own: a treatment of only those has no line.
	if ta := by[dossier.AdministrationAgreement]; len(ta) > 0 && len(by[dossier.MedicationAgreement]) > 0 {
		t.AdministrationAgreement = currentOf(agreementLines(ta, now, dossier.LinkAdministrationAgreement))
	} else if len(ta) > 0 {
		t.AdministrationAgreement = currentOf(t.Lines)
	}
	if wds := by[dossier.VariableDosingRegimen]; len(wds) > 0 && len(by[dossier.MedicationAgreement]) > 0 {
		t.Schedule = currentOf(agreementLines(wds, now, dossier.LinkPrior))
	}
	if mve := by[dossier.MedicationDispense]; len(mve) > 0 {
		last := latestDispense(mve)
		t.LastDispense = &last
	}
	if mgb := by[dossier.MedicationUse]; len(mgb) > 0 {
		t.Use = agreementLines(newestFirst(mgb), now)
	}
	t.Administrations = newestFirst(by[dossier.MedicationAdministered])
	// Folding never hides a whole treatment: records that point at each other in a loop (broken data)
	// would otherwise leave no line to show.
	visible := false
	for _, l := range t.Lines {
		visible = visible || !l.Folded || l.State.IsCurrent()
	}
	for i := range t.Lines {
		t.Lines[i].Treatment = t
		if !visible {
			t.Lines[i].Folded = false
		}
	}
	return t
}

// currentOf picks the line in force (else the future one) registered last.
func currentOf(lines []Line) *Line {
	var best *Line
	for i := range lines {
		l := &lines[i]
		if !l.State.IsCurrent() {
			continue
		}
		if best == nil || (l.State == InForce && best.State != InForce) ||
			(l.State == best.State && laterFirst(l.Record.RegisteredAt, best.Record.RegisteredAt) < 0) {
			best = l
		}
	}
	if best == nil {
		return nil
	}
	out := *best
	return &out
}

// agreementLines decides the state of each agreement of one kind within a treatment.
//
// MP9 3.0 (mp9 reference, section 3; BITS MP-1413, MP-1894, MP-749):
//  1. An agreement that a later record points at (priorPrescription on an MA or WDS,
//     ext-RelationAdministrationAgreement on a TA) has been changed, stopped or cancelled by it: it is
//     no longer in force itself. Parallel agreements in one treatment are legal, so links decide, not
//     "the newest wins".
//  2. A record with stop type geannuleerd (89925002), and what it points at, was never used: cancelled.
//  3. A stop record (stopgezet 410546004 or onderbroken 385655000) repeats the original start and ends
//     on the stop date ("In the case of an agreement to discontinue use, this is the start date of the
//     original medication agreement. The end date indicates from when the medication is to be
//     discontinued", mp-MedicationAgreement PeriodOfUse): until then the agreement is in force, from
//     then on stopped or paused.
//  4. Otherwise the period of use decides: start after now is future, end before now is ended; a start
//     without an end is indefinite ("With medication for an indefinite period only a start date is
//     indicated", mp-MedicationAgreement PeriodOfUse). The state never follows .status: "StopType (which
//     may never change in an instance)" is not .status, which "may change over the lifetime of a
//     resource" (ext-StopType definition); the qualification data keep "active" on stops.
//  5. Technical stop: when a stop record's end equals the start of a new agreement in the treatment, the
//     new one overrules; at most one of the two is valid at any moment (release notes 3.0.0-beta.3).
func agreementLines(records []dossier.Medication, now time.Time, relations ...dossier.LinkRelation) []Line {
	lines := make([]Line, len(records))
	for i, r := range records {
		lines[i] = Line{Record: r}
	}
	successor := make([]int, len(records))
	cancelledBy := make([]int, len(records))
	for i := range records {
		successor[i], cancelledBy[i] = -1, -1
	}
	for j, y := range records {
		if len(relations) == 0 {
			break
		}
		for i, x := range records {
			if i == j || !y.LinksTo(x, relations...) {
				continue
			}
			if successor[i] < 0 || laterFirst(y.RegisteredAt, records[successor[i]].RegisteredAt) < 0 {
				successor[i] = j
			}
			if y.StopType == dossier.Cancelled {
				cancelledBy[i] = j
			}
		}
	}
	for j, y := range records {
		for i, x := range records {
			if i == j || len(relations) == 0 || !y.LinksTo(x, relations...) {
				continue
			}
			switch y.StopType {
			case dossier.Stopped, dossier.Paused:
				lines[i].Folded = true
			case dossier.Cancelled:
				lines[j].Folded = true
			}
		}
	}
	for i, r := range records {
		l := &lines[i]
		l.StopAt = r.StopAt
		switch {
		case r.StopType == dossier.Cancelled:
			l.State, l.Reason = Cancelled, r.StopReason
		case cancelledBy[i] >= 0:
			by := records[cancelledBy[i]]
			l.State, l.Reason = Cancelled, by.StopReason
			l.StopAt = by.RegisteredAt
		case successor[i] >= 0:
			by := records[successor[i]]
			l.State, l.Reason = Replaced, by.StopReason
			if by.StopType == dossier.Stopped || by.StopType == dossier.Paused {
				l.StopAt = by.StopAt
			} else {
				l.StopAt = by.StartAt
			}
		case r.StopType == dossier.Stopped || r.StopType == dossier.Paused:
			l.Reason = r.StopReason
			end := r.StopAt
			if end == nil {
				end = r.RegisteredAt
			}
			l.StopAt = end
			switch {
			case r.StartAt != nil && r.StartAt.After(now) && (end == nil || !end.Before(*r.StartAt)):
				l.State = Future
			case end != nil && !now.After(*end) && !overruledAt(records, i, *end, now):
				l.State = InForce
			case changedBy(records, i, relations):
				l.State = Replaced
			case r.StopType == dossier.Paused:
				l.State = Paused
			default:
				l.State = Stopped
			}
		default:
			l.State = byPeriod(r.StartAt, r.StopAt, now)
		}
	}
	return lines
}

// overruledAt reports whether another agreement of the treatment starts exactly where the stop record i
// ends and has started by now: then the new agreement overrules the technical stop.
func overruledAt(records []dossier.Medication, i int, end, now time.Time) bool {
	for j, y := range records {
		if j == i || y.StopType != dossier.NotStopped || y.StartAt == nil {
			continue
		}
		if y.StartAt.Equal(end) && !now.Before(*y.StartAt) {
			return true
		}
	}
	return false
}

// changedBy reports whether the stop record i is the technical stop of a change: another, non-stop
// record of the treatment points at the same agreement (a change sends a stop for the old agreement and
// a new agreement together, FO 2.2.5.5).
func changedBy(records []dossier.Medication, i int, relations []dossier.LinkRelation) bool {
	if len(relations) == 0 {
		return false
	}
	for _, target := range records {
		if !records[i].LinksTo(target, relations...) {
			continue
		}
		for j, y := range records {
			if j != i && y.StopType == dossier.NotStopped && y.LinksTo(target, relations...) {
				return true
			}
		}
	}
	return false
}

// byPeriod is the state that a period of use gives: future before its start, ended after its end.
func byPeriod(start, end *time.Time, now time.Time) State {
	switch {
	case start != nil && start.After(now):
		return Future
	case end != nil && now.After(*end):
		return Ended
	}
	return InForce
}

// plainLine is a record without an MP9 category: its FHIR status says what it is, its dates when. A stop
// type, a modifier, is read first: it means what it means in MP9, whatever the status says.
func plainLine(r dossier.Medication, now time.Time) Line {
	if r.StopType != dossier.NotStopped {
		return agreementLines([]dossier.Medication{r}, now)[0]
	}
	l := Line{Record: r, StopAt: r.StopAt, Reason: r.StopReason}
	switch r.Status {
	case "stopped":
		l.State = Stopped
	case "cancelled", "not-taken":
		l.State = Cancelled
	case "completed":
		l.State = Ended
	case "on-hold":
		l.State = Paused
	default:
		l.State = byPeriod(r.StartAt, r.StopAt, now)
		if l.State == Ended {
			l.State = Stopped
		}
	}
	return l
}

// dispenseLine stands in for a treatment known only from a dispense: in use for the days supplied.
func dispenseLine(r dossier.Medication, now time.Time) Line {
	l := Line{Record: r, State: Ended, StopAt: r.HandedOverAt}
	if r.HandedOverAt != nil && r.StopAt != nil && !now.After(*r.StopAt) {
		l.State = InForce
		l.StopAt = r.StopAt
	}
	return l
}

func latestDispense(rs []dossier.Medication) dossier.Medication {
	best := rs[0]
	for _, r := range rs[1:] {
		if laterFirst(dispenseMoment(r), dispenseMoment(best)) < 0 {
			best = r
		}
	}
	return best
}

func dispenseMoment(r dossier.Medication) *time.Time {
	if r.HandedOverAt != nil {
		return r.HandedOverAt
	}
	if r.StartAt != nil {
		return r.StartAt
	}
	return r.RegisteredAt
}

func newestFirst(rs []dossier.Medication) []dossier.Medication {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b dossier.Medication) int {
		if c := laterFirst(a.StartAt, b.StartAt); c != 0 {
			return c
		}
		return laterFirst(a.RegisteredAt, b.RegisteredAt)
	})
	return out
}
