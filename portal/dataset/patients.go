package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/store"
)

var (
	familyNames = []string{"Jansen", "Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Boer", "Bos", "Vos",
		"Peters", "Hendriks", "Dekker", "Dijk", "Brouwer", "Graaf", "Wit", "Linden", "Berg", "Kok", "Jacobs", "Haan",
		"Vermeulen", "Heuvel", "Veen", "Broek", "Bruijn", "Groot", "Schouten", "Beek", "Willems", "Hoekstra",
		"Maas", "Verhoeven", "Koster", "Prins", "Leeuwen", "Postma", "Kramer", "Kuipers", "Dijkstra", "Bosman"}
	familyPrefixes = []string{"", "", "", "", "de", "van", "van der", "van den", "ter", "van de"}
	femaleNames    = []string{"Anna", "Maria", "Johanna", "Sophie", "Emma", "Julia", "Sanne", "Lotte", "Fatima", "Ingrid", "Ria", "Elisabeth", "Yara", "Noor", "Margaretha"}
	maleNames      = []string{"Jan", "Pieter", "Hendrik", "Daan", "Noah", "Gerrit", "Willem", "Kees", "Bas", "Mark", "Ahmed", "Robert", "Thijs", "Johannes", "Lucas"}
	clinicians     = []struct{ name, specialism, department string }{
		{"Dr. M. Pietersen", "Interne geneeskunde", "Interne geneeskunde"},
		{"Dr. S. Öztürk", "Cardiologie", "Cardiologie"},
		{"Dr. L. de Wit", "Longziekten", "Longgeneeskunde"},
		{"Dr. R. Verbeek", "Orthopedie", "Orthopedie"},
		{"Dr. A. Bakker", "Neurologie", "Neurologie"},
		{"Dr. E. van Dam", "Geriatrie", "Geriatrie"},
		{"Dr. J. Koster", "Chirurgie", "Chirurgie"},
		{"Dr. H. Maas", "Maag-darm-leverziekten", "MDL"},
	}
	problems = []struct{ code, display string }{
		{"44054006", "Diabetes mellitus type 2"}, {"38341003", "Hypertensie"}, {"84114007", "Hartfalen"},
		{"13645005", "COPD"}, {"49436004", "Atriumfibrilleren"}, {"709044004", "Chronische nierschade"},
		{"195967001", "Astma"}, {"37796009", "Migraine"}, {"396275006", "Artrose"}, {"40930008", "Hypothyreoïdie"},
	}
	allergens = []struct{ code, display, category string }{
		{"91936005", "Penicilline", "medication"}, {"294505008", "Amoxicilline", "medication"},
		{"91935009", "Pinda", "food"}, {"288328004", "Bijengif", "environment"}, {"300916003", "Latex", "environment"},
	}
	drugs = []struct{ code, drug, strength, dose string }{
		{"A10BA02", "Metformine", "500 mg", "2 maal daags 1 tablet"}, {"C09AA03", "Lisinopril", "10 mg", "1 maal daags 1 tablet"},
		{"C03CA01", "Furosemide", "40 mg", "1 maal daags 1 tablet"}, {"B01AA07", "Acenocoumarol", "1 mg", "volgens schema trombosedienst"},
		{"C07AB02", "Metoprolol", "50 mg", "1 maal daags 1 tablet"}, {"C10AA05", "Atorvastatine", "20 mg", "1 maal daags 1 tablet"},
		{"H03AA01", "Levothyroxine", "100 µg", "1 maal daags 1 tablet nuchter"}, {"R03AK06", "Salmeterol/fluticason", "50/500 µg", "2 maal daags 1 inhalatie"},
		{"N02BE01", "Paracetamol", "500 mg", "zo nodig 4 maal daags 2 tabletten"}, {"A02BC01", "Omeprazol", "20 mg", "1 maal daags 1 capsule"},
	}
	stopReasons = []string{"bijwerking", "niet meer nodig", "nierfunctie verslechterd", "interactie", "op verzoek van patiënt"}
	labTests    = []struct {
		code, display, unit string
		low, high, mean, sd float64
	}{
		{"33914-3", "eGFR", "mL/min/1.73m2", 60, math.NaN(), 62, 20},
		{"14682-9", "Kreatinine", "µmol/L", 60, 110, 95, 30},
		{"718-7", "Hemoglobine", "mmol/L", 7.5, 10, 8.4, 0.9},
		{"4548-4", "HbA1c", "mmol/mol", 20, 42, 50, 10},
		{"6298-4", "Kalium", "mmol/L", 3.5, 5.0, 4.4, 0.5},
		{"1988-5", "CRP", "mg/L", math.NaN(), 10, 12, 15},
		{"3016-3", "TSH", "mU/L", 0.4, 4.0, 2.5, 1.5},
		{"6301-6", "INR", "", 2.0, 3.5, 2.7, 0.6},
	}
)

// letterHTML is the body of a generated letter: a few paragraphs, as a hospital's HTML letter is, about
// 700 bytes (the attachment the letters tab lists and opens).
const letterHTML = `<h1>%s</h1>
<p>Geachte collega,</p>
<p>Uw patiënt(e) %s, geboren %s, was onder behandeling bij de afdeling %s. Aanleiding was %s.</p>
<h2>Beloop</h2>
<p>Het beloop was ongecompliceerd. De medicatie is aangepast zoals in het medicatieoverzicht vermeld; de
laboratoriumwaarden zijn gecontroleerd en in het dossier opgenomen.</p>
<h2>Beleid</h2>
<ul><li>Controle op de polikliniek over zes weken.</li><li>Laboratoriumcontrole via de huisarts over twee weken.</li></ul>
<p>Met vriendelijke groet,<br>%s, %s</p>
`

// writePatient draws patient id from its own random stream and writes it with its dossier,
// relationships and consent.
func writePatient(b *store.Bulk, seed uint64, id int64, now time.Time, rows map[string]int) error {
	r := rand.New(rand.NewPCG(seed, uint64(id)))
	sex := access.SexFemale
	given := femaleNames
	if r.IntN(2) == 0 {
		sex, given = access.SexMale, maleNames
	}
	age := ageOf(r)
	birth := time.Date(now.Year()-age, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	if birth.After(now) {
		birth = birth.AddDate(-1, 0, 0)
	}
	first := given[r.IntN(len(given))]
	p := access.Patient{
		ID: id, BSN: BSN(id), BSNSynthetic: true, PatientNumber: PatientNumber(id),
		FamilyName: familyNames[r.IntN(len(familyNames))], FamilyPrefix: familyPrefixes[r.IntN(len(familyPrefixes))],
		GivenNames: first, Initials: first[:1] + ".", BirthDate: birth, Sex: sex,
		CreatedAt: now.Add(-time.Duration(r.IntN(3*365*24)) * time.Hour),
	}
	p.UpdatedAt = p.CreatedAt
	if age > 70 && r.IntN(60) == 0 {
		died := now.Add(-time.Duration(1+r.IntN(200)) * 24 * time.Hour)
		p.Deceased, p.DeceasedAt = true, &died
	}
	if _, err := b.Patient(p); err != nil {
		return err
	}
	rows["patients"]++
	if err := writeAccess(b, r, p, age, now, rows); err != nil {
		return err
	}
	return writeDossier(b, r, p, now, rows)
}

// ageOf draws an age with a hospital's skew towards the elderly.
func ageOf(r *rand.Rand) int {
	switch n := r.IntN(100); {
	case n < 8:
		return r.IntN(16)
	case n < 40:
		return 16 + r.IntN(44)
	default:
		return 60 + r.IntN(36)
	}
}

func org(c cardHolder) *string { v := c.URA; return &v }
func agb(c cardHolder) *string { v := c.AGB; return &v }

// writeAccess gives the patient relationships with the development cards' organisations and providers,
// and consent decisions: De Linde (the gp card) is the registered practice of most patients, Het Anker of
// the rest; De Brug is the pharmacy of record of most; a few have a referrer, a discharge recipient or an
// invited nurse. Most patients consented to sharing with GPs and pharmacies; minors through their parents
// as the WGBO requires.
func writeAccess(b *store.Bulk, r *rand.Rand, p access.Patient, age int, now time.Time, rows map[string]int) error {
	since := now.Add(-time.Duration(30+r.IntN(8*365)) * 24 * time.Hour)
	rel := func(kind access.RelationshipKind, holder cardHolder, byOrg bool, from time.Time, days int) error {
		x := access.Relationship{PatientID: p.ID, Kind: kind, HolderName: holder.Organisation, Source: "generated",
			ValidFrom: from, Reason: "", CreatedBy: "dataset", CreatedAt: from}
		if byOrg {
			x.HolderKind, x.HolderURA = access.HolderOrganisation, org(holder)
		} else {
			x.HolderKind, x.HolderAGB, x.HolderName = access.HolderProvider, agb(holder), holder.GivenName+" "+holder.Surname
		}
		if days > 0 {
			until := from.AddDate(0, 0, days)
			x.ValidUntil = &until
		}
		rows["relationships"]++
		return b.Relationship(x)
	}
	gp := deLinde
	if r.IntN(100) < 15 {
		gp = hetAnker
	}
	if err := rel(access.RegisteredGP, gp, true, since, 0); err != nil {
		return err
	}
	if r.IntN(100) < 70 {
		if err := rel(access.PharmacyOfRecord, deBrug, true, since.Add(time.Duration(r.IntN(400))*24*time.Hour), 0); err != nil {
			return err
		}
	}
	if r.IntN(100) < 5 {
		if err := rel(access.Referrer, specialist, false, now.Add(-time.Duration(r.IntN(200))*24*time.Hour), 365); err != nil {
			return err
		}
	}
	if age >= 65 && r.IntN(100) < 8 {
		if err := rel(access.DischargeRecipient, avondrood, true, now.Add(-time.Duration(r.IntN(60))*24*time.Hour), 90); err != nil {
			return err
		}
	}
	if r.IntN(100) < 2 {
		if err := rel(access.Invited, thuiszorg, false, now.Add(-time.Duration(r.IntN(20))*24*time.Hour), 30); err != nil {
			return err
		}
	}
	given := since.Add(time.Duration(r.IntN(30*24)) * time.Hour)
	if given.After(now) {
		given = now.Add(-time.Hour)
	}
	by := access.ByPatient
	switch ageAt := p.AgeOn(given); {
	case ageAt < 12:
		by = access.ByRepresentative
	case ageAt < 16:
		by = access.ByBoth
	}
	channels := []access.Channel{access.ChannelDesk, access.ChannelPatientPortal, access.ChannelForm}
	consent := func(cat access.RecipientCategory, granted bool) error {
		status := access.ConsentRefused
		if granted {
			status = access.ConsentGranted
		}
		rows["consents"]++
		return b.Consent(access.Consent{PatientID: p.ID, Category: cat, Status: status, RegisteredBy: by,
			Channel: channels[r.IntN(len(channels))], GivenAt: given, RecordedBy: "dataset", RecordedAt: given})
	}
	if r.IntN(100) < 3 {
		return nil // no consent recorded at all: nobody sees anything
	}
	for _, c := range []struct {
		cat     access.RecipientCategory
		percent int
	}{{access.Huisartsen, 96}, {access.Apotheken, 85}, {access.MedischSpecialisten, 70}, {access.OuderenGehandicaptenzorg, 60}, {access.VerplegingThuiszorg, 60}} {
		if err := consent(c.cat, r.IntN(100) < c.percent); err != nil {
			return err
		}
	}
	return nil
}

// writeDossier writes the patient's hospital dossier: visits and sometimes an admission, problems, an
// allergy statement, medication (some stopped, with the reason), two to four lab tests with a series of
// values each, and after an admission or visit usually a letter with an HTML attachment.
func writeDossier(b *store.Bulk, r *rand.Rand, p access.Patient, now time.Time, rows map[string]int) error {
	doc := clinicians[r.IntN(len(clinicians))]
	days := func(n int) time.Time {
		return now.Add(-time.Duration(n)*24*time.Hour - time.Duration(r.IntN(10*3600))*time.Second)
	}
	var lastContact time.Time
	visits := 1 + r.IntN(3)
	for i := range visits {
		start := days(20 + r.IntN(700))
		end := start.Add(30 * time.Minute)
		e := dossier.Encounter{PatientID: p.ID, Class: dossier.ClassOutpatient, Status: "finished", Type: "Polikliniekbezoek",
			Reason: problems[r.IntN(len(problems))].display, Department: doc.department, Practitioner: doc.name,
			Location: "Polikliniek " + doc.department, StartAt: start, EndAt: &end}
		if i == 0 && r.IntN(100) < 25 {
			e.Class, e.Type, e.Location = dossier.ClassInpatient, "Opname", "Verpleegafdeling "+doc.department
			stay := start.Add(time.Duration(2+r.IntN(9)) * 24 * time.Hour)
			e.EndAt, e.DischargeDisposition = &stay, "home"
			if r.IntN(100) < 4 { // admitted now
				e.StartAt = days(1 + r.IntN(5))
				e.EndAt, e.Status, e.DischargeDisposition = nil, "in-progress", ""
			}
		}
		if e.StartAt.After(lastContact) {
			lastContact = e.StartAt
		}
		if _, err := b.Encounter(e); err != nil {
			return err
		}
		rows["encounters"]++
	}
	for range 1 + r.IntN(3) {
		pr := problems[r.IntN(len(problems))]
		onset := days(100 + r.IntN(3000))
		if err := b.Condition(dossier.Condition{PatientID: p.ID, CodeSystem: dossier.SNOMED, Code: pr.code, Display: pr.display,
			ClinicalStatus: "active", VerificationStatus: "confirmed", Category: "problem-list-item", OnsetAt: &onset, RecordedAt: &onset}); err != nil {
			return err
		}
		rows["conditions"]++
	}
	recorded := days(r.IntN(1000))
	allergy := dossier.Allergy{PatientID: p.ID, CodeSystem: dossier.SNOMED, Code: dossier.NoKnownAllergyCode, Display: "Geen allergie bekend",
		ClinicalStatus: "active", VerificationStatus: "confirmed", RecordedAt: &recorded}
	if r.IntN(100) < 30 {
		a := allergens[r.IntN(len(allergens))]
		allergy.Code, allergy.Display, allergy.Category, allergy.Type = a.code, a.display, a.category, "allergy"
		allergy.Criticality, allergy.Reaction = []string{"low", "high"}[r.IntN(2)], "huiduitslag"
	}
	if r.IntN(100) < 85 { // some patients were never asked: "unknown" on the banner
		if err := b.Allergy(allergy); err != nil {
			return err
		}
		rows["allergies"]++
	}
	for range 1 + r.IntN(5) {
		d := drugs[r.IntN(len(drugs))]
		start := days(30 + r.IntN(1500))
		m := dossier.Medication{PatientID: p.ID, SourceKind: dossier.FromStatement, CodeSystem: "http://www.whocc.no/atc", Code: d.code,
			Drug: d.drug, Strength: d.strength, Dose: d.dose, Route: "oraal", Status: "active", Prescriber: doc.name,
			PrescriberSpecialism: doc.specialism, StartAt: &start}
		if r.IntN(100) < 25 {
			stop := start.Add(time.Duration(10+r.IntN(300)) * 24 * time.Hour)
			if stop.Before(now) {
				m.Status, m.StopAt, m.StopReason = "stopped", &stop, stopReasons[r.IntN(len(stopReasons))]
			}
		}
		if err := b.Medication(m); err != nil {
			return err
		}
		rows["medications"]++
	}
	tests := r.Perm(len(labTests))[:2+r.IntN(3)]
	for _, ti := range tests {
		t := labTests[ti]
		points := 3 + r.IntN(6)
		level := t.mean + r.NormFloat64()*t.sd
		for k := range points {
			at := days((points-k)*(20+r.IntN(60)) + r.IntN(10))
			level += r.NormFloat64() * t.sd / 4
			v := math.Round(math.Max(level, t.mean/10)*10) / 10
			res := dossier.LabResult{PatientID: p.ID, CodeSystem: "http://loinc.org", Code: t.code, Display: t.display,
				ValueNum: &v, Unit: t.unit, Status: "final", EffectiveAt: at}
			if !math.IsNaN(t.low) {
				low := t.low
				res.RefLow = &low
			}
			if !math.IsNaN(t.high) {
				high := t.high
				res.RefHigh = &high
			}
			switch {
			case res.RefHigh != nil && v > *res.RefHigh:
				res.Interpretation = "H"
			case res.RefLow != nil && v < *res.RefLow:
				res.Interpretation = "L"
			default:
				res.Interpretation = "N"
			}
			if err := b.LabResult(res); err != nil {
				return err
			}
			rows["lab_results"]++
		}
	}
	if r.IntN(100) < 70 {
		kind, title, code := dossier.LetterSpecialist, "Poliklinische brief "+strings.ToLower(doc.department), "11488-4"
		if r.IntN(3) == 0 {
			kind, title, code = dossier.LetterDischarge, "Ontslagbrief "+strings.ToLower(doc.department), "18842-5"
		}
		written := lastContact.Add(time.Duration(1+r.IntN(5)) * 24 * time.Hour)
		if written.After(now) {
			written = now.Add(-time.Hour)
		}
		body := fmt.Sprintf(letterHTML, title, p.DisplayName(), p.BirthDate.Format("02-01-2006"), doc.department,
			strings.ToLower(problems[r.IntN(len(problems))].display), doc.name, doc.specialism)
		if _, err := b.Letter(dossier.Letter{PatientID: p.ID, Kind: kind, TypeCode: code, Title: title, Status: "final",
			Author: doc.name, AuthorSpecialism: doc.specialism, WrittenAt: written},
			[]dossier.Attachment{{AttachmentInfo: dossier.AttachmentInfo{ContentType: dossier.ContentHTML, Title: title}, Data: []byte(body)}}); err != nil {
			return err
		}
		rows["letters"]++
		rows["attachments"]++
	}
	if p.AgeOn(now) > 75 && r.IntN(100) < 10 {
		at := days(r.IntN(400))
		if err := b.TreatmentLimit(dossier.TreatmentLimit{PatientID: p.ID, Code: "89666000", Description: "Niet reanimeren", Status: "active", RecordedAt: &at}); err != nil {
			return err
		}
		rows["treatment_limits"]++
	}
	return nil
}
