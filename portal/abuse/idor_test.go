package abuse

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/devpki"
	"zorgverlenersportaal/portal/portaltest"
	"zorgverlenersportaal/portal/store"
)

// TestIDOR: providers change the ids in the portal's addresses to reach what is not theirs: another
// patient, a category their role may not see, an item of another patient under a patient they may see,
// someone else's access overview, the administration. Every attempt is refused and leaves a refused
// record in the access log.
func TestIDOR(t *testing.T) {
	t.Parallel()
	env := portaltest.Start(t, portaltest.Options{DemoData: true})
	ctx := context.Background()
	gp := env.Client(t, devpki.CardGP)
	pharmacist := env.Client(t, devpki.CardPharmacist)
	nurse := env.Client(t, devpki.CardNurse)
	berg, jong := env.Patient(t, bsnVanDenBerg), env.Patient(t, bsnDeJong)
	schouten, kramer := env.Patient(t, bsnSchouten), env.Patient(t, bsnKramer)
	gpUZI, pharmacistUZI := uziOf(t, devpki.CardGP), uziOf(t, devpki.CardPharmacist)

	// refusedView is the trace an attempt on a patient must leave.
	refusedView := func(uzi string, p access.Patient, reason string) func(store.AccessRecord) bool {
		return func(r store.AccessRecord) bool {
			return r.Event == "view" && r.Outcome == "refused" && r.UserUZI == uzi && r.PatientBSN == p.BSN &&
				(reason == "" || r.Reason == reason)
		}
	}
	// notShown fails when a page shows anything of the patient.
	notShown := func(t *testing.T, resp *portaltest.Response, p access.Patient) {
		t.Helper()
		for _, s := range []string{p.FamilyName, p.BSN, p.BSN[:4] + "." + p.BSN[4:6], p.PatientNumber} {
			if s != "" && strings.Contains(resp.Body, s) {
				t.Errorf("the refusal shows %q of the patient", s)
			}
		}
	}

	runAttacks(t, []attack{
		{
			name:    "dossier of a patient without a treatment relationship",
			defence: "access.Policy.Decide refuses without a relationship (openDossier answers with the closed page, as for an unknown id)",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				resp := get(t, gp, dossierPath(schouten, access.Summary))
				want(t, "summary", resp, http.StatusNotFound)
				notShown(t, resp, schouten)
				findRecord(t, env, before, "the refused view", refusedView(gpUZI, schouten, string(access.ReasonNoRelationship)))
			},
		},
		{
			name:    "every category address of a patient without a relationship",
			defence: "every dossier address runs the same decision, not only the summary",
			try: func(t *testing.T) {
				for _, cat := range access.Categories {
					before := lastRecordID(t, env)
					resp := get(t, gp, dossierPath(schouten, cat))
					want(t, string(cat), resp, http.StatusNotFound)
					notShown(t, resp, schouten)
					findRecord(t, env, before, "the refused view of "+string(cat), refusedView(gpUZI, schouten, ""))
				}
			},
		},
		{
			name:    "dossier of a patient who withdrew consent",
			defence: "a withdrawn consent refuses even with a relationship",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				resp := get(t, gp, dossierPath(kramer, access.Medication))
				want(t, "medication", resp, http.StatusForbidden)
				notShown(t, resp, kramer)
				findRecord(t, env, before, "the refused view", refusedView(gpUZI, kramer, string(access.ReasonConsentWithdrawn)))
			},
		},
		{
			name:    "letters address typed by a pharmacist",
			defence: "the role scope: a pharmacist may not see letters, by tab or by URL",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				resp := get(t, pharmacist, dossierPath(jong, access.Letters))
				want(t, "letters", resp, http.StatusForbidden)
				notShown(t, resp, jong)
				rec := findRecord(t, env, before, "the refused category", refusedView(pharmacistUZI, jong, string(access.ReasonRoleNotPermitted)))
				if rec.ObjectCategory != string(access.Letters) {
					t.Errorf("refusal logged for category %q", rec.ObjectCategory)
				}
			},
		},
		{
			name:    "a letter's own address typed by a pharmacist",
			defence: "the role scope is checked on item addresses too",
			try: func(t *testing.T) {
				l := anyLetter(t, env, jong)
				before := lastRecordID(t, env)
				resp := get(t, pharmacist, portaltest.PatientPath(jong, "letters", l.PublicID))
				want(t, "letter", resp, http.StatusForbidden)
				if strings.Contains(resp.Body, l.Title) {
					t.Error("the refusal shows the letter's title")
				}
				findRecord(t, env, before, "the refused letter", refusedView(pharmacistUZI, jong, string(access.ReasonRoleNotPermitted)))
			},
		},
		{
			name:    "imaging address typed by a nurse",
			defence: "the role scope: a nurse may not see imaging",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				resp := get(t, nurse, dossierPath(jong, access.Imaging))
				want(t, "imaging", resp, http.StatusForbidden)
				findRecord(t, env, before, "the refused category", refusedView(uziOf(t, devpki.CardNurse), jong, string(access.ReasonRoleNotPermitted)))
			},
		},
		{
			name:    "another patient's letter under this patient's address",
			defence: "store.Letter takes the patient id of the URL: an item of another patient is not found",
			try: func(t *testing.T) {
				other := anyLetter(t, env, berg)
				before := lastRecordID(t, env)
				resp := get(t, gp, portaltest.PatientPath(jong, "letters", other.PublicID))
				want(t, "letter", resp, http.StatusNotFound)
				if strings.Contains(resp.Body, other.Title) {
					t.Error("the answer shows the other patient's letter")
				}
				findRecord(t, env, before, "the item-not-found attempt", refusedView(gpUZI, jong, "item-not-found"))
			},
		},
		{
			name:    "another patient's PDF under this patient's letter",
			defence: "store.Attachment takes the patient id, and the attachment must belong to the letter of the URL",
			try: func(t *testing.T) {
				own, _ := letterWithPDF(t, env, jong)
				_, foreign := letterWithPDF(t, env, env.Patient(t, bsnBouzid))
				before := lastRecordID(t, env)
				resp := get(t, gp, portaltest.PatientPath(jong, "letters", own.PublicID, "attachments", foreign.PublicID))
				want(t, "attachment", resp, http.StatusNotFound)
				if strings.HasPrefix(resp.Body, "%PDF-") {
					t.Error("a PDF was sent")
				}
				findRecord(t, env, before, "the item-not-found attempt", refusedView(gpUZI, jong, "item-not-found"))
			},
		},
		{
			name:    "a PDF of this patient under another of their documents",
			defence: "servePDF checks that the attachment belongs to that very document",
			try: func(t *testing.T) {
				verbeek := env.Patient(t, bsnVerbeek)
				report, pdf := reportWithPDF(t, env, verbeek)
				letter := anyLetter(t, env, verbeek)
				before := lastRecordID(t, env)
				resp := get(t, gp, portaltest.PatientPath(verbeek, "letters", letter.PublicID, "attachments", pdf.PublicID))
				want(t, "report's PDF under a letter", resp, http.StatusNotFound)
				findRecord(t, env, before, "the item-not-found attempt", refusedView(gpUZI, verbeek, "item-not-found"))
				if resp := get(t, gp, portaltest.PatientPath(verbeek, "reports", report.PublicID, "attachments", pdf.PublicID)); resp.Status != http.StatusOK {
					t.Fatalf("the PDF under its own report: %d (the attack proves nothing)", resp.Status)
				}
				want(t, "attachment", resp, http.StatusNotFound)
			},
		},
		{
			name:    "another patient's lab result as this patient's trend",
			defence: "store.LabResult takes the patient id of the URL",
			try: func(t *testing.T) {
				other := anyLabResult(t, env, berg)
				resp := get(t, gp, portaltest.PatientPath(jong, "lab", other.PublicID))
				want(t, "lab trend", resp, http.StatusNotFound)
				if strings.Contains(resp.Body, other.Display) && !strings.Contains(get(t, gp, dossierPath(jong, access.Lab)).Body, other.Display) {
					t.Error("the answer shows the other patient's test")
				}
			},
		},
		{
			name:    "another patient's report under this patient's address",
			defence: "store.Report takes the patient id of the URL",
			try: func(t *testing.T) {
				other := anyReport(t, env, berg)
				resp := get(t, gp, portaltest.PatientPath(jong, "reports", other.PublicID))
				want(t, "report", resp, http.StatusNotFound)
			},
		},
		{
			name:    "a patient id that does not exist",
			defence: "an unknown id is not found, and the attempt is logged",
			try: func(t *testing.T) {
				before := lastRecordID(t, env)
				want(t, "unknown patient", get(t, gp, "/patients/99999999"), http.StatusNotFound)
				findRecord(t, env, before, "the not-found attempt", func(r store.AccessRecord) bool {
					return r.Event == "view" && r.Outcome == "refused" && r.Reason == "not-found" && r.UserUZI == gpUZI
				})
			},
		},
		{
			name:    "another provider's accesses in my own overview",
			defence: "audit.OwnAccesses filters on the card's own UZI number, whatever ?voor= says",
			try: func(t *testing.T) {
				get(t, pharmacist, dossierPath(jong, access.Medication)) // the pharmacist leaves records
				pharmacistName := "Visser"
				for _, path := range []string{"/mijn-inzages", "/mijn-inzages?voor=99999999", "/mijn-inzages?voor=2"} {
					resp := get(t, gp, path)
					want(t, path, resp, http.StatusOK)
					if strings.Contains(resp.Body, pharmacistName) || strings.Contains(resp.Body, pharmacistUZI) {
						t.Errorf("%s shows the pharmacist's accesses", path)
					}
				}
			},
		},
		{
			name:    "administration screens opened by a provider",
			defence: "requireAdministrator: only hospital.administrators, and the attempt is logged",
			try: func(t *testing.T) {
				for _, path := range []string{"/admin", portaltest.AdminPatientPath(jong), "/admin/emergencies",
					"/admin/log", "/admin/log/emergency"} {
					before := lastRecordID(t, env)
					resp := get(t, gp, path)
					want(t, path, resp, http.StatusForbidden)
					notShown(t, resp, jong)
					findRecord(t, env, before, "the refused visit to "+path, func(r store.AccessRecord) bool {
						return r.Event == "admin_action" && r.Outcome == "refused" && r.UserUZI == gpUZI
					})
				}
			},
		},
		{
			name:    "patient access report requested by a provider",
			defence: "requireAdministrator guards the reports on the access log",
			try: func(t *testing.T) {
				get(t, gp, "/")
				before := lastRecordID(t, env)
				resp := gp.Post(t, "/admin/log/patient", url.Values{"bsn": {jong.BSN}, "from": {"2000-01-01"}, "to": {"2100-01-01"}})
				want(t, "report", resp, http.StatusForbidden)
				if strings.Contains(resp.Body, "Visser") || strings.Contains(resp.Body, jong.FamilyName) {
					t.Error("the refusal shows the report")
				}
				findRecord(t, env, before, "the refused report", func(r store.AccessRecord) bool {
					return r.Event == "admin_action" && r.Outcome == "refused" && r.UserUZI == gpUZI
				})
			},
		},
		{
			name:    "consent withdrawn through the administration's form by a provider",
			defence: "requireAdministrator guards every administration POST; nothing changes",
			try: func(t *testing.T) {
				get(t, gp, "/")
				history := func() int {
					h, err := env.Store.ConsentHistory(ctx, jong.ID)
					if err != nil {
						t.Fatal(err)
					}
					return len(h)
				}
				n := history()
				resp := gp.Post(t, portaltest.AdminPatientPath(jong, "consents", "withdraw"), url.Values{
					"category": {"apotheken"}, "registered_by": {"patient"}, "channel": {"desk"}, "given_on": {"2026-01-01"}})
				want(t, "withdraw", resp, http.StatusForbidden)
				if history() != n {
					t.Error("a provider changed a patient's consent")
				}
			},
		},
		{
			name:    "another patient's relationship ended under this patient's address",
			defence: "store.EndRelationship takes the patient id of the URL: the relationship is not found and stays",
			try: func(t *testing.T) {
				admin := env.Client(t, devpki.CardAdmin)
				rels, err := env.Store.Relationships(ctx, berg.ID)
				if err != nil || len(rels) == 0 {
					t.Fatalf("relationships of %s: %v", berg.BSN, err)
				}
				target := rels[0]
				get(t, admin, portaltest.AdminPatientPath(jong))
				resp := admin.Post(t, portaltest.AdminPatientPath(jong, "relationships", fmt.Sprint(target.ID), "end"), url.Values{"end_reason": {"weg ermee"}})
				if resp.Status < 400 {
					t.Fatalf("status %d", resp.Status)
				}
				noLeak(t, "end", resp)
				after, err := env.Store.Relationship(ctx, target.ID)
				if err != nil || after.EndedAt != nil {
					t.Fatalf("the other patient's relationship was ended: %+v %v", after.EndedAt, err)
				}
			},
		},
		{
			name:    "emergency review of a relationship that is no emergency access",
			defence: "reviews are for emergency relationships only (database trigger); the refusal is no server error",
			try: func(t *testing.T) {
				admin := env.Client(t, devpki.CardAdmin)
				rels, err := env.Store.Relationships(ctx, jong.ID)
				if err != nil || len(rels) == 0 {
					t.Fatal("no relationship")
				}
				get(t, admin, "/admin/emergencies")
				resp := admin.Post(t, fmt.Sprintf("/admin/emergencies/%d/review", rels[0].ID), url.Values{"note": {"in orde"}})
				if resp.Status < 400 || resp.Status >= 500 {
					t.Fatalf("status %d", resp.Status)
				}
				noLeak(t, "review", resp)
			},
		},
		{
			name:    "emergency access to a patient who refused consent",
			defence: "the emergency procedure never overrides a refused consent (checked again in the store's transaction)",
			try: func(t *testing.T) {
				wit := env.Patient(t, bsnDeWit)
				get(t, gp, "/patients/search")
				before := lastRecordID(t, env)
				resp := gp.Post(t, portaltest.PatientPath(wit, "emergency"), url.Values{"bsn": {wit.BSN},
					"birth_date": {wit.BirthDate.Format("2006-01-02")}, "category": {"unable-to-communicate"}, "reason": {"acute situatie, patiënt bewusteloos binnengebracht"}})
				want(t, "emergency", resp, http.StatusForbidden)
				rels, err := env.Store.Relationships(ctx, wit.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rels {
					if r.Kind == access.Emergency {
						t.Fatal("an emergency relationship was created")
					}
				}
				findRecord(t, env, before, "the refused emergency", func(r store.AccessRecord) bool {
					return r.Event == "emergency_access" && r.Outcome == "refused" && r.PatientBSN == wit.BSN
				})
			},
		},
	})
}

// uziOf is the UZI number of a development card.
func uziOf(t *testing.T, card string) string {
	t.Helper()
	spec, err := devpki.CardByName(card)
	if err != nil {
		t.Fatal(err)
	}
	return spec.UZINumber
}
