package abuse

import (
	"context"
	"testing"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/portaltest"
)

// Patients of the demo data set (portal/demodata) that the attacks use.
const (
	bsnVanDenBerg = "999993847" // the gp's patient: admitted now, letters, lab, reports
	bsnDeJong     = "999993653" // the gp's patient: discharge letter PDF; the pharmacist and the nurse see part
	bsnSchouten   = "999999151" // registered with Het Anker (gp-other): the gp has no relationship
	bsnKramer     = "999993926" // every consent withdrawn
	bsnDeWit      = "999991905" // every consent refused
	bsnVerbeek    = "999990111" // the gp's patient: a cardiology letter and a Holter report as PDF
	bsnBouzid     = "999991036" // discharge letter as PDF
	bsnUnknown    = "123456782" // passes the elfproef, belongs to nobody
)

// letterWithPDF returns a letter of the patient that has a PDF attachment, and the attachment.
func letterWithPDF(t *testing.T, env *portaltest.Env, p access.Patient) (dossier.Letter, dossier.AttachmentInfo) {
	t.Helper()
	letters, err := env.Store.Letters(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range letters {
		for _, a := range l.Attachments {
			if a.ContentType == dossier.ContentPDF {
				return l, a
			}
		}
	}
	t.Fatalf("patient %s has no letter with a PDF", p.BSN)
	return dossier.Letter{}, dossier.AttachmentInfo{}
}

// anyLetter returns a letter of the patient.
func anyLetter(t *testing.T, env *portaltest.Env, p access.Patient) dossier.Letter {
	t.Helper()
	letters, err := env.Store.Letters(context.Background(), p.ID)
	if err != nil || len(letters) == 0 {
		t.Fatalf("letters of %s: %v (%d)", p.BSN, err, len(letters))
	}
	return letters[0]
}

// anyLabResult returns a lab result of the patient.
func anyLabResult(t *testing.T, env *portaltest.Env, p access.Patient) dossier.LabResult {
	t.Helper()
	results, err := env.Store.LabResults(context.Background(), p.ID)
	if err != nil || len(results) == 0 {
		t.Fatalf("lab results of %s: %v (%d)", p.BSN, err, len(results))
	}
	return results[0]
}

// anyReport returns a report of the patient that the reports tab shows (not a laboratory panel).
func anyReport(t *testing.T, env *portaltest.Env, p access.Patient) dossier.Report {
	t.Helper()
	reports, err := env.Store.Reports(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Kind != dossier.ReportLaboratory {
			return r
		}
	}
	t.Fatalf("patient %s has no report", p.BSN)
	return dossier.Report{}
}

// dossierPath is the address of a category of a patient's dossier.
func dossierPath(p access.Patient, c access.Category) string {
	if c == access.Summary {
		return portaltest.PatientPath(p)
	}
	return portaltest.PatientPath(p, string(c))
}

// reportWithPDF returns a report of the patient that has a PDF attachment, and the attachment.
func reportWithPDF(t *testing.T, env *portaltest.Env, p access.Patient) (dossier.Report, dossier.AttachmentInfo) {
	t.Helper()
	reports, err := env.Store.Reports(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		for _, a := range r.Attachments {
			if a.ContentType == dossier.ContentPDF {
				return r, a
			}
		}
	}
	t.Fatalf("patient %s has no report with a PDF", p.BSN)
	return dossier.Report{}, dossier.AttachmentInfo{}
}
