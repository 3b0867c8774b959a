package portal

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/medication"
)

// The medication tab and the medication part of the summary. What is current and what is history is
// decided by portal/medication (MP9 3.0: per treatment, from stop type, period of use and links); these
// handlers only read the records, ask it, and record every record they show.

// medicationRow is one line of the medication screens: the agreement with its state, and what the
// screens add to it (the state's badge, the medicine's code named by its G-Standaard level).
type medicationRow struct {
	medication.Line
	Badge Badge
	// CodeLevel names the code's system: PRK, HPK, GPK or ZI (G-Standaard), else empty.
	CodeLevel string
}

// medicationBody is the medication tab: current medication (in force and future) and the history.
type medicationBody struct {
	Current []medicationRow
	History []medicationRow
}

// stateBadges gives each state its word and a tone that repeats it (never colour alone).
var stateBadges = map[medication.State]Badge{
	medication.InForce:   {Key: "medication.state.in_force", Tone: "final"},
	medication.Future:    {Key: "medication.state.future", Tone: "preliminary"},
	medication.Paused:    {Key: "medication.state.paused", Tone: "preliminary"},
	medication.Stopped:   {Key: "medication.state.stopped", Tone: "cancelled"},
	medication.Cancelled: {Key: "medication.state.cancelled", Tone: "cancelled"},
	medication.Ended:     {Key: "medication.state.ended", Tone: "neutral"},
	medication.Replaced:  {Key: "medication.state.replaced", Tone: "amended"},
}

// gstandaardLevels names the G-Standaard code systems.
var gstandaardLevels = map[string]string{
	"urn:oid:2.16.840.1.113883.2.4.4.10": "PRK",
	"urn:oid:2.16.840.1.113883.2.4.4.7":  "HPK",
	"urn:oid:2.16.840.1.113883.2.4.4.1":  "GPK",
	"urn:oid:2.16.840.1.113883.2.4.4.8":  "ZI",
}

func medicationRows(lines []medication.Line) []medicationRow {
	rows := make([]medicationRow, 0, len(lines))
	for _, l := range lines {
		b, ok := stateBadges[l.State]
		if !ok {
			b = Badge{Key: "status.other", Tone: "neutral"}
		}
		rows = append(rows, medicationRow{Line: l, Badge: b, CodeLevel: gstandaardLevels[strings.TrimSpace(l.Record.CodeSystem)]})
	}
	return rows
}

// medicationOverview reads a patient's medication records and builds the overview at the view's moment.
func (s *Server) medicationOverview(ctx context.Context, v *dossierView) (medication.Overview, error) {
	all, err := s.store.Medications(ctx, v.patientID())
	if err != nil {
		return medication.Overview{}, err
	}
	return medication.Build(all, v.now), nil
}

// currentMedication is the summary's part: the current lines, with what the pharmacy last dispensed.
// It records the agreements, administration agreements and dispenses it shows.
func (s *Server) currentMedication(ctx context.Context, v *dossierView) ([]medicationRow, error) {
	o, err := s.medicationOverview(ctx, v)
	if err != nil {
		return nil, err
	}
	for _, l := range o.Current {
		showLine(v, l)
	}
	v.show(access.Medication)
	return medicationRows(o.Current), nil
}

// showLine records one line and the pharmacy's records shown beside it.
func showLine(v *dossierView, l medication.Line) {
	v.show(access.Medication, itemID("medication", l.Record.ID))
	if l.Treatment == nil {
		return
	}
	if ta := l.Treatment.AdministrationAgreement; ta != nil && ta.Record.ID != l.Record.ID {
		v.show(access.Medication, itemID("medication", ta.Record.ID))
	}
	if d := l.Treatment.LastDispense; d != nil && d.ID != l.Record.ID {
		v.show(access.Medication, itemID("medication", d.ID))
	}
	if w := (medicationRow{Line: l}).Schedule(); w != nil {
		v.show(access.Medication, itemID("medication", w.ID))
	}
	if u := (medicationRow{Line: l}).LatestUse(); u != nil {
		v.show(access.Medication, itemID("medication", u.Record.ID))
	}
	if a := (medicationRow{Line: l}).LastAdministration(); a != nil {
		v.show(access.Medication, itemID("medication", a.ID))
	}
}

func (s *Server) showMedication(c echo.Context) error {
	v, err := s.openDossier(c, access.Medication)
	if v == nil {
		return err
	}
	o, err := s.medicationOverview(c.Request().Context(), v)
	if err != nil {
		return err
	}
	for _, l := range o.Current {
		showLine(v, l)
	}
	for _, l := range o.History {
		v.show(access.Medication, itemID("medication", l.Record.ID))
	}
	v.show(access.Medication)
	body := medicationBody{Current: medicationRows(o.Current), History: medicationRows(o.History)}
	return s.renderDossier(c, v, "dossier_medication", "dossier.medication.title", body)
}

// LastDispense is the dispense a row shows, for the templates: nil when the treatment has none.
func (r medicationRow) LastDispense() *dossier.Medication {
	if r.Treatment == nil {
		return nil
	}
	return r.Treatment.LastDispense
}

// AdministrationAgreement is the pharmacy's agreement shown beside a prescriber's agreement: only when
// it is another record than the line itself.
func (r medicationRow) AdministrationAgreement() *dossier.Medication {
	if r.Treatment == nil || r.Treatment.AdministrationAgreement == nil || r.Treatment.AdministrationAgreement.Record.ID == r.Record.ID {
		return nil
	}
	return &r.Treatment.AdministrationAgreement.Record
}

// LatestUse is what the patient last reported using (medicatiegebruik), shown beside an agreement of the
// same treatment; nil when there is none or the line is that report itself.
func (r medicationRow) LatestUse() *medication.Line {
	if r.Treatment == nil || len(r.Treatment.Use) == 0 || r.Treatment.Use[0].Record.ID == r.Record.ID {
		return nil
	}
	return &r.Treatment.Use[0]
}

// LastAdministration is the latest administration (medicatietoediening) of the treatment, if any.
func (r medicationRow) LastAdministration() *dossier.Medication {
	if r.Treatment == nil || len(r.Treatment.Administrations) == 0 || r.Treatment.Administrations[0].ID == r.Record.ID {
		return nil
	}
	return &r.Treatment.Administrations[0]
}

// Schedule is the variable dosing regimen (wisselend doseerschema) in force for the treatment, if any:
// its dosage then overrides the agreement's (MP9 3.0, mp-VariableDosingRegimen).
func (r medicationRow) Schedule() *dossier.Medication {
	if r.Treatment == nil || r.Treatment.Schedule == nil || r.Treatment.Schedule.Record.ID == r.Record.ID {
		return nil
	}
	return &r.Treatment.Schedule.Record
}

// Strength is the medicine's strength when the drug's name does not already say it ("Metoprolol retard
// 50 mg tablet" needs no "50 mg" after it).
func (r medicationRow) Strength() string {
	st := strings.TrimSpace(r.Record.Strength)
	if st == "" || strings.Contains(strings.ToLower(r.Record.Drug), strings.ToLower(st)) {
		return ""
	}
	return st
}
