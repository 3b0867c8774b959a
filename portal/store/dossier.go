package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// The dossier read side: one method per tab of the dossier screen, always for one patient (the patient id
// is part of every query, also when an item is fetched by its own id, so that an id taken from another
// patient's URL finds nothing). Lists are newest first unless said otherwise.

// Encounters lists a patient's admissions and visits, newest first; open admissions come first.
func (s *Store) Encounters(ctx context.Context, patientID int64) ([]dossier.Encounter, error) {
	var out []dossier.Encounter
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, class, status, type, reason, department, practitioner, location, start_at, end_at,
		       discharge_disposition, fhir_id
		FROM encounters
		WHERE patient_id = ?
		ORDER BY (class = 'inpatient' AND end_at IS NULL) DESC, start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: encounters of patient %d: %w", patientID, err)
	}
	return out, nil
}

// Appointments lists a patient's appointments by start, latest first; the screen splits upcoming from past.
func (s *Store) Appointments(ctx context.Context, patientID int64) ([]dossier.Appointment, error) {
	var out []dossier.Appointment
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, status, description, department, practitioner, start_at, end_at, fhir_id
		FROM appointments
		WHERE patient_id = ?
		ORDER BY start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: appointments of patient %d: %w", patientID, err)
	}
	return out, nil
}

// Procedures lists a patient's procedures (operations among them), newest first; undated ones last.
func (s *Store) Procedures(ctx context.Context, patientID int64) ([]dossier.Procedure, error) {
	var out []dossier.Procedure
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code_system, code, display, status, performer, start_at, end_at, encounter_id, fhir_id
		FROM procedures
		WHERE patient_id = ?
		ORDER BY start_at IS NULL, start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: procedures of patient %d: %w", patientID, err)
	}
	return out, nil
}

// Conditions lists a patient's problems and diagnoses: active ones first, then by onset, newest first.
func (s *Store) Conditions(ctx context.Context, patientID int64) ([]dossier.Condition, error) {
	var out []dossier.Condition
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code_system, code, display, clinical_status, verification_status, category, onset_at,
		       abatement_at, recorded_at, fhir_id
		FROM conditions
		WHERE patient_id = ?
		ORDER BY clinical_status NOT IN ('active', 'recurrence', 'relapse'), onset_at IS NULL, onset_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: conditions of patient %d: %w", patientID, err)
	}
	return out, nil
}

// Allergies lists a patient's allergies and intolerances (including a "no known allergy" statement);
// dossier.AllergyStatusOf turns them into the banner's allergy status.
func (s *Store) Allergies(ctx context.Context, patientID int64) ([]dossier.Allergy, error) {
	var out []dossier.Allergy
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code_system, code, display, type, category, criticality, clinical_status,
		       verification_status, reaction, reaction_severity, onset_at, recorded_at, fhir_id
		FROM allergies
		WHERE patient_id = ?
		ORDER BY criticality = 'high' DESC, recorded_at IS NULL, recorded_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: allergies of patient %d: %w", patientID, err)
	}
	return out, nil
}

// medicationColumns are the columns of a medication record as the screens read them.
const medicationColumns = `id, patient_id, source_kind, code_system, code, drug, strength, dose, route, status, reason,
	prescriber, prescriber_specialism, start_at, stop_at, stop_reason, fhir_id, category, identifier_system,
	identifier_value, treatment_system, treatment_value, registered_at, stop_type, duration, period_condition,
	quantity, handed_over_at, days_supply, performer, links`

// Medications lists a patient's medication records, newest start first; portal/medication groups them
// into treatments and decides what is current.
func (s *Store) Medications(ctx context.Context, patientID int64) ([]dossier.Medication, error) {
	var out []dossier.Medication
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+medicationColumns+`
		FROM medications
		WHERE patient_id = ?
		ORDER BY start_at IS NULL, start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: medications of patient %d: %w", patientID, err)
	}
	return out, nil
}

const labColumns = `id, patient_id, code_system, code, display, value_num, value_text, comparator, unit, ref_low, ref_high,
	ref_text, interpretation, status, effective_at, report_fhir_id, fhir_id, public_id`

// LabResults lists all a patient's lab results, newest first (at the same moment by test name, then the
// newest id). The rows come in the order of the patient's lab index and are sorted here: an ORDER BY made
// SQLite sort them in a temporary B-tree, which cost about as much as reading them.
func (s *Store) LabResults(ctx context.Context, patientID int64) ([]dossier.LabResult, error) {
	var out []dossier.LabResult
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+labColumns+`
		FROM lab_results
		WHERE patient_id = ?`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: lab results of patient %d: %w", patientID, err)
	}
	slices.SortFunc(out, func(a, b dossier.LabResult) int {
		if c := b.EffectiveAt.Compare(a.EffectiveAt); c != 0 {
			return c
		}
		if c := strings.Compare(a.Display, b.Display); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out, nil
}

// LabTests lists the tests a patient has results for, one line per test code with the number of results,
// the first and last date and the latest unit: the lab overview and the list of trend charts.
func (s *Store) LabTests(ctx context.Context, patientID int64) ([]dossier.LabTest, error) {
	var out []dossier.LabTest
	err := s.read.SelectContext(ctx, &out, `
		SELECT l.code_system, l.code, latest.display, latest.unit, count(*) AS count,
		       first.effective_at AS first_at, latest.effective_at AS last_at
		FROM lab_results l
		JOIN lab_results latest ON latest.id = (
		    SELECT id FROM lab_results x
		    WHERE x.patient_id = l.patient_id AND x.code_system = l.code_system AND x.code = l.code
		    ORDER BY x.effective_at DESC, x.id DESC LIMIT 1)
		JOIN lab_results first ON first.id = (
		    SELECT id FROM lab_results x
		    WHERE x.patient_id = l.patient_id AND x.code_system = l.code_system AND x.code = l.code
		    ORDER BY x.effective_at, x.id LIMIT 1)
		WHERE l.patient_id = ?
		GROUP BY l.code_system, l.code
		ORDER BY latest.display, l.code`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: lab tests of patient %d: %w", patientID, err)
	}
	return out, nil
}

// LabSeries returns one test's results for a patient in time order (oldest first), the points of its trend
// chart. codeSystem may be empty to match the code in any system.
func (s *Store) LabSeries(ctx context.Context, patientID int64, codeSystem, code string) ([]dossier.LabResult, error) {
	var out []dossier.LabResult
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+labColumns+`
		FROM lab_results
		WHERE patient_id = ? AND code = ? AND (? = '' OR code_system = ?)
		ORDER BY effective_at, id`, patientID, code, codeSystem, codeSystem)
	if err != nil {
		return nil, fmt.Errorf("store: lab series %s of patient %d: %w", code, patientID, err)
	}
	return out, nil
}

// VitalSigns lists a patient's vital signs, newest first.
func (s *Store) VitalSigns(ctx context.Context, patientID int64) ([]dossier.VitalSign, error) {
	var out []dossier.VitalSign
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code_system, code, display, value_num, value_text, unit, effective_at, fhir_id
		FROM vital_signs
		WHERE patient_id = ?
		ORDER BY effective_at DESC, display, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: vital signs of patient %d: %w", patientID, err)
	}
	return out, nil
}

const reportColumns = `id, patient_id, kind, code_system, code, title, status, author, conclusion, effective_at, issued_at, fhir_id, public_id`

// Reports lists a patient's reports with their attachments (without content), newest first. Kinds filters
// them (none: every kind); the reports tab passes the non-laboratory kinds, as laboratory panels show as
// lab results.
func (s *Store) Reports(ctx context.Context, patientID int64, kinds ...dossier.ReportKind) ([]dossier.Report, error) {
	var out []dossier.Report
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+reportColumns+`
		FROM reports
		WHERE patient_id = ?
		ORDER BY coalesce(effective_at, issued_at) IS NULL, coalesce(effective_at, issued_at) DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: reports of patient %d: %w", patientID, err)
	}
	if len(kinds) > 0 {
		want := map[dossier.ReportKind]bool{}
		for _, k := range kinds {
			want[k] = true
		}
		kept := out[:0]
		for _, r := range out {
			if want[r.Kind] {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	infos, err := s.attachmentInfos(ctx, `
		SELECT a.id, a.public_id, a.report_id, a.letter_id, a.position, a.content_type, a.title, length(a.data) AS size, a.sha256
		FROM attachments a JOIN reports r ON r.id = a.report_id
		WHERE r.patient_id = ?
		ORDER BY a.report_id, a.position`, patientID)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, r := range out {
		r.Attachments = infos[r.ID]
		if !reportShowsSomething(r) {
			continue
		}
		kept = append(kept, r)
	}
	return kept, nil
}

// reportShowsSomething says whether a report has content to show: a conclusion or an attachment, or, for a
// laboratory panel, its results on the lab tab. A report without (a questionnaire whose answers the portal
// does not show, kept from an import before the importer skipped those) would be an empty document.
func reportShowsSomething(r dossier.Report) bool {
	return r.Kind == dossier.ReportLaboratory || r.Conclusion != "" || len(r.Attachments) > 0
}

// Report returns one report of a patient, by the public id its address carries, with its attachments
// (without content); ErrNotFound when the report does not exist or belongs to another patient.
func (s *Store) Report(ctx context.Context, patientID int64, publicID string) (dossier.Report, error) {
	var r dossier.Report
	err := s.read.GetContext(ctx, &r, `SELECT `+reportColumns+` FROM reports WHERE patient_id = ? AND public_id = ?`, patientID, publicID)
	if err != nil {
		return dossier.Report{}, fmt.Errorf("store: report %q of patient %d: %w", publicID, patientID, translate(err))
	}
	infos, err := s.attachmentInfos(ctx, `
		SELECT id, public_id, report_id, letter_id, position, content_type, title, length(data) AS size, sha256
		FROM attachments WHERE report_id = ? ORDER BY position`, r.ID)
	if err != nil {
		return dossier.Report{}, err
	}
	r.Attachments = infos[r.ID]
	return r, nil
}

const letterColumns = `id, patient_id, kind, type_code, title, status, author, author_specialism, written_at, fhir_id, public_id`

// Letters lists a patient's letters with their attachments (without content), newest first.
func (s *Store) Letters(ctx context.Context, patientID int64) ([]dossier.Letter, error) {
	var out []dossier.Letter
	err := s.read.SelectContext(ctx, &out, `
		SELECT `+letterColumns+`
		FROM letters
		WHERE patient_id = ?
		ORDER BY written_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: letters of patient %d: %w", patientID, err)
	}
	infos, err := s.attachmentInfos(ctx, `
		SELECT a.id, a.public_id, a.report_id, a.letter_id, a.position, a.content_type, a.title, length(a.data) AS size, a.sha256
		FROM attachments a JOIN letters l ON l.id = a.letter_id
		WHERE l.patient_id = ?
		ORDER BY a.letter_id, a.position`, patientID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Attachments = infos[out[i].ID]
	}
	return out, nil
}

// Letter returns one letter of a patient, by the public id its address carries, with its attachments
// (without content); ErrNotFound when the letter does not exist or belongs to another patient.
func (s *Store) Letter(ctx context.Context, patientID int64, publicID string) (dossier.Letter, error) {
	var l dossier.Letter
	err := s.read.GetContext(ctx, &l, `SELECT `+letterColumns+` FROM letters WHERE patient_id = ? AND public_id = ?`, patientID, publicID)
	if err != nil {
		return dossier.Letter{}, fmt.Errorf("store: letter %q of patient %d: %w", publicID, patientID, translate(err))
	}
	infos, err := s.attachmentInfos(ctx, `
		SELECT id, public_id, report_id, letter_id, position, content_type, title, length(data) AS size, sha256
		FROM attachments WHERE letter_id = ? ORDER BY position`, l.ID)
	if err != nil {
		return dossier.Letter{}, err
	}
	l.Attachments = infos[l.ID]
	return l, nil
}

// attachmentInfos runs a query for attachment descriptions and groups them by their report or letter.
func (s *Store) attachmentInfos(ctx context.Context, query string, args ...any) (map[int64][]dossier.AttachmentInfo, error) {
	var infos []dossier.AttachmentInfo
	if err := s.read.SelectContext(ctx, &infos, query, args...); err != nil {
		return nil, fmt.Errorf("store: attachments: %w", err)
	}
	byOwner := map[int64][]dossier.AttachmentInfo{}
	for _, a := range infos {
		owner := int64(0)
		switch {
		case a.ReportID != nil:
			owner = *a.ReportID
		case a.LetterID != nil:
			owner = *a.LetterID
		}
		byOwner[owner] = append(byOwner[owner], a)
	}
	return byOwner, nil
}

// Attachment returns the content of one attachment of a patient's report or letter; ErrNotFound when it
// does not exist or belongs to another patient's document.
func (s *Store) Attachment(ctx context.Context, patientID, attachmentID int64) (dossier.Attachment, error) {
	a, err := s.patientAttachment(ctx, "a.id = ?", attachmentID, patientID)
	if err != nil {
		return dossier.Attachment{}, fmt.Errorf("store: attachment %d of patient %d: %w", attachmentID, patientID, err)
	}
	return a, nil
}

// AttachmentByPublicID is Attachment for the public id that a PDF's address carries; ErrNotFound when it
// does not exist or belongs to another patient's document.
func (s *Store) AttachmentByPublicID(ctx context.Context, patientID int64, publicID string) (dossier.Attachment, error) {
	a, err := s.patientAttachment(ctx, "a.public_id = ?", publicID, patientID)
	if err != nil {
		return dossier.Attachment{}, fmt.Errorf("store: attachment %q of patient %d: %w", publicID, patientID, err)
	}
	return a, nil
}

// patientAttachment reads the one attachment that match (a constant condition on the attachments row, never
// user text; key is its argument) selects, only when its report or letter belongs to the patient.
func (s *Store) patientAttachment(ctx context.Context, match string, key any, patientID int64) (dossier.Attachment, error) {
	var a dossier.Attachment
	err := s.read.GetContext(ctx, &a, `
		SELECT a.id, a.public_id, a.report_id, a.letter_id, a.position, a.content_type, a.title, length(a.data) AS size, a.sha256, a.data
		FROM attachments a
		LEFT JOIN reports r ON r.id = a.report_id
		LEFT JOIN letters l ON l.id = a.letter_id
		WHERE `+match+` AND coalesce(r.patient_id, l.patient_id) = ?`, key, patientID)
	return a, translate(err)
}

// ImagingStudies lists a patient's imaging studies, newest first.
func (s *Store) ImagingStudies(ctx context.Context, patientID int64) ([]dossier.ImagingStudy, error) {
	var out []dossier.ImagingStudy
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, status, started_at, modality, description, body_site, series_count, instance_count, fhir_id
		FROM imaging_studies
		WHERE patient_id = ?
		ORDER BY started_at IS NULL, started_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: imaging studies of patient %d: %w", patientID, err)
	}
	return out, nil
}

// TreatmentLimits lists a patient's treatment limits for the banner, active ones first.
func (s *Store) TreatmentLimits(ctx context.Context, patientID int64) ([]dossier.TreatmentLimit, error) {
	var out []dossier.TreatmentLimit
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code, description, status, recorded_at, kind, decision, specification, agreed_with,
		       comment, ends_at, fhir_id
		FROM treatment_limits
		WHERE patient_id = ?
		ORDER BY status <> 'active', recorded_at IS NULL, recorded_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: treatment limits of patient %d: %w", patientID, err)
	}
	return out, nil
}

// DossierCounts counts a patient's items per data category, so that the dossier tabs can say "(0)" and
// the screens can skip empty sections. Summary counts treatment limits.
func (s *Store) DossierCounts(ctx context.Context, patientID int64) (map[access.Category]int, error) {
	var row struct {
		Limits      int `db:"limits"`
		Encounters  int `db:"encounters"`
		Problems    int `db:"problems"`
		Allergies   int `db:"allergies"`
		Medication  int `db:"medication"`
		Lab         int `db:"lab"`
		Reports     int `db:"reports"`
		Letters     int `db:"letters"`
		Imaging     int `db:"imaging"`
		Appointment int `db:"appointments"`
		Procedures  int `db:"procedures"`
	}
	err := s.read.GetContext(ctx, &row, `
		SELECT (SELECT count(*) FROM treatment_limits WHERE patient_id = ?1) AS limits,
		       (SELECT count(*) FROM encounters WHERE patient_id = ?1) AS encounters,
		       (SELECT count(*) FROM appointments WHERE patient_id = ?1) AS appointments,
		       (SELECT count(*) FROM procedures WHERE patient_id = ?1) AS procedures,
		       (SELECT count(*) FROM conditions WHERE patient_id = ?1) AS problems,
		       (SELECT count(*) FROM allergies WHERE patient_id = ?1) AS allergies,
		       (SELECT count(*) FROM medications WHERE patient_id = ?1) AS medication,
		       (SELECT count(*) FROM lab_results WHERE patient_id = ?1) AS lab,
		       (SELECT count(*) FROM reports r WHERE r.patient_id = ?1 AND r.kind <> 'laboratory'
		            AND (r.conclusion <> '' OR EXISTS (SELECT 1 FROM attachments a WHERE a.report_id = r.id))) AS reports,
		       (SELECT count(*) FROM letters WHERE patient_id = ?1) AS letters,
		       (SELECT count(*) FROM imaging_studies WHERE patient_id = ?1) AS imaging`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: dossier counts of patient %d: %w", patientID, err)
	}
	return map[access.Category]int{
		access.Summary:    row.Limits,
		access.Encounters: row.Encounters + row.Appointment + row.Procedures,
		access.Problems:   row.Problems,
		access.Allergies:  row.Allergies,
		access.Medication: row.Medication,
		access.Lab:        row.Lab,
		access.Reports:    row.Reports,
		access.Letters:    row.Letters,
		access.Imaging:    row.Imaging,
	}, nil
}

// PatientCount counts the patients; the demo seeds its data set only into an empty database.
func (s *Store) PatientCount(ctx context.Context) (int, error) {
	var n int
	if err := s.read.GetContext(ctx, &n, `SELECT count(*) FROM patients`); err != nil {
		return 0, fmt.Errorf("store: count patients: %w", err)
	}
	return n, nil
}
