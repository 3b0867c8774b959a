package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
)

// The FHIR import writes a whole bundle in one transaction: either every resource of the bundle that is
// accepted lands, or (a malformed bundle, a broken reference, a database error) nothing does. Import is that
// transaction boundary; the ImportTx methods are the statements inside it. Every dossier row is upserted by
// its FHIR id (relationships and consents by their source reference), so a re-import updates in place.

// Targets: the table an imported FHIR resource went to, as recorded in fhir_resources.
const (
	TargetPatients        = "patients"
	TargetOrganisations   = "organisations"
	TargetPractitioners   = "practitioners"
	TargetEncounters      = "encounters"
	TargetAppointments    = "appointments"
	TargetProcedures      = "procedures"
	TargetConditions      = "conditions"
	TargetAllergies       = "allergies"
	TargetMedications     = "medications"
	TargetLabResults      = "lab_results"
	TargetVitalSigns      = "vital_signs"
	TargetReports         = "reports"
	TargetLetters         = "letters"
	TargetImagingStudies  = "imaging_studies"
	TargetTreatmentLimits = "treatment_limits"
	TargetRelationships   = "relationships"
	TargetConsents        = "consents"
	TargetAlerts          = "alerts"
	TargetMedicalDevices  = "medical_devices"
	// TargetContent marks resources kept only in fhir_resources (Medication, Binary) for later references.
	TargetContent = ""
)

// FHIRIdentity is what the portal remembers of one imported FHIR resource: where it went and, for the
// types without a table of their own, its content.
type FHIRIdentity struct {
	ResourceType string        `db:"resource_type"`
	FHIRID       string        `db:"fhir_id"`
	Target       string        `db:"target"`
	RowID        sql.NullInt64 `db:"row_id"`
	ContentType  string        `db:"content_type"`
	Content      []byte        `db:"content"`
}

// FHIRIdentifier is a business identifier (system and value) of an imported resource.
type FHIRIdentifier struct {
	System string
	Value  string
}

// ImportTx is the write transaction of one bundle. Its methods run inside it and must not be used after
// the function given to Import has returned.
type ImportTx struct {
	ctx   context.Context
	tx    *sqlx.Tx
	now   time.Time
	stmts map[string]*sqlx.Stmt
}

// Import runs fn in one write transaction and commits when fn returns nil; any error rolls everything back.
// now is the time written as imported_at / updated_at.
func (s *Store) Import(ctx context.Context, now time.Time, fn func(tx *ImportTx) error) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		it := &ImportTx{ctx: ctx, tx: tx, now: now.UTC(), stmts: map[string]*sqlx.Stmt{}}
		defer it.close()
		return fn(it)
	})
}

func (t *ImportTx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}

// stmt prepares a statement once per transaction: a bundle runs the same few statements thousands of times.
func (t *ImportTx) stmt(query string) (*sqlx.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PreparexContext(t.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	t.stmts[query] = st
	return st, nil
}

func (t *ImportTx) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(t.ctx, args...)
	if err != nil {
		return nil, translate(err)
	}
	return res, nil
}

func (t *ImportTx) get(dest any, query string, args ...any) error {
	st, err := t.stmt(query)
	if err != nil {
		return err
	}
	return translate(st.GetContext(t.ctx, dest, args...))
}

func (t *ImportTx) selectAll(dest any, query string, args ...any) error {
	st, err := t.stmt(query)
	if err != nil {
		return err
	}
	return translate(st.SelectContext(t.ctx, dest, args...))
}

// Attempt runs fn inside a savepoint: when fn fails, whatever it wrote is undone and the bundle's
// transaction goes on without it. The importer wraps every resource in one, so that a rejected resource
// leaves nothing half-written behind.
func (t *ImportTx) Attempt(fn func() error) error {
	if _, err := t.tx.ExecContext(t.ctx, `SAVEPOINT resource`); err != nil {
		return fmt.Errorf("store: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := t.tx.ExecContext(t.ctx, `ROLLBACK TO resource`); rerr != nil {
			return fmt.Errorf("store: roll back to savepoint: %w (after %w)", rerr, err)
		}
		if _, rerr := t.tx.ExecContext(t.ctx, `RELEASE resource`); rerr != nil {
			return fmt.Errorf("store: release savepoint: %w (after %w)", rerr, err)
		}
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, `RELEASE resource`); err != nil {
		return fmt.Errorf("store: release savepoint: %w", err)
	}
	return nil
}

const identityColumns = `resource_type, fhir_id, target, row_id, content_type, content`

// Identity returns what is known of an imported resource; ErrNotFound when it was never imported.
func (t *ImportTx) Identity(resourceType, fhirID string) (FHIRIdentity, error) {
	var id FHIRIdentity
	err := t.get(&id, `
		SELECT `+identityColumns+`
		FROM fhir_resources
		WHERE resource_type = ? AND fhir_id = ?`, resourceType, fhirID)
	if err != nil {
		return FHIRIdentity{}, fmt.Errorf("store: FHIR identity %s/%s: %w", resourceType, fhirID, err)
	}
	return id, nil
}

// IdentitiesByID returns the imported resources with this id whatever their type; a urn:uuid reference
// does not say the type.
func (t *ImportTx) IdentitiesByID(fhirID string) ([]FHIRIdentity, error) {
	var ids []FHIRIdentity
	err := t.selectAll(&ids, `
		SELECT `+identityColumns+`
		FROM fhir_resources
		WHERE fhir_id = ?
		ORDER BY resource_type`, fhirID)
	if err != nil {
		return nil, fmt.Errorf("store: FHIR identities %s: %w", fhirID, err)
	}
	return ids, nil
}

// IdentitiesByIdentifier returns the imported resources of a type that carry a business identifier; an
// empty system matches any system, as FHIR's identifier=value search does.
func (t *ImportTx) IdentitiesByIdentifier(resourceType, system, value string) ([]FHIRIdentity, error) {
	var ids []FHIRIdentity
	var err error
	if system == "" {
		err = t.selectAll(&ids, `
			SELECT DISTINCT r.resource_type, r.fhir_id, r.target, r.row_id, r.content_type, r.content
			FROM fhir_identifiers i
			JOIN fhir_resources r ON r.resource_type = i.resource_type AND r.fhir_id = i.fhir_id
			WHERE i.resource_type = ? AND i.value = ?
			ORDER BY r.fhir_id`, resourceType, value)
	} else {
		err = t.selectAll(&ids, `
			SELECT r.resource_type, r.fhir_id, r.target, r.row_id, r.content_type, r.content
			FROM fhir_identifiers i
			JOIN fhir_resources r ON r.resource_type = i.resource_type AND r.fhir_id = i.fhir_id
			WHERE i.resource_type = ? AND i.system = ? AND i.value = ?
			ORDER BY r.fhir_id`, resourceType, system, value)
	}
	if err != nil {
		return nil, fmt.Errorf("store: FHIR identities by identifier %s %s|%s: %w", resourceType, system, value, err)
	}
	return ids, nil
}

// RecordIdentity remembers an imported resource and its business identifiers; replace drops the
// identifiers recorded before (a re-import), which a first import can skip.
func (t *ImportTx) RecordIdentity(id FHIRIdentity, identifiers []FHIRIdentifier, replace bool) error {
	_, err := t.exec(`
		INSERT INTO fhir_resources (resource_type, fhir_id, target, row_id, content_type, content, imported_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (resource_type, fhir_id) DO UPDATE SET
		    target = excluded.target, row_id = excluded.row_id, content_type = excluded.content_type,
		    content = excluded.content, updated_at = excluded.updated_at`,
		id.ResourceType, id.FHIRID, id.Target, id.RowID, id.ContentType, id.Content, t.now, t.now)
	if err != nil {
		return fmt.Errorf("store: record FHIR identity %s/%s: %w", id.ResourceType, id.FHIRID, err)
	}
	if replace {
		if _, err := t.exec(`DELETE FROM fhir_identifiers WHERE resource_type = ? AND fhir_id = ?`, id.ResourceType, id.FHIRID); err != nil {
			return fmt.Errorf("store: replace identifiers of %s/%s: %w", id.ResourceType, id.FHIRID, err)
		}
	}
	for _, ident := range identifiers {
		if ident.Value == "" {
			continue
		}
		_, err := t.exec(`
			INSERT INTO fhir_identifiers (resource_type, system, value, fhir_id) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, id.ResourceType, ident.System, ident.Value, id.FHIRID)
		if err != nil {
			return fmt.Errorf("store: record identifier of %s/%s: %w", id.ResourceType, id.FHIRID, err)
		}
	}
	return nil
}

// DeleteImportedRows removes the rows an Observation left in a table it no longer belongs to (its category
// changed between imports): the row with its id and the rows of its components (id#code).
func (t *ImportTx) DeleteImportedRows(target, fhirID string) error {
	var query string
	switch target {
	case TargetLabResults:
		query = `DELETE FROM lab_results WHERE fhir_id = ? OR (fhir_id >= ? AND fhir_id < ?)`
	case TargetVitalSigns:
		query = `DELETE FROM vital_signs WHERE fhir_id = ? OR (fhir_id >= ? AND fhir_id < ?)`
	default:
		return nil
	}
	if _, err := t.exec(query, fhirID, fhirID+"#", fhirID+"$"); err != nil {
		return fmt.Errorf("store: delete %s rows of %s: %w", target, fhirID, err)
	}
	return nil
}

// PatientInTx returns a patient by id inside the import transaction.
func (t *ImportTx) PatientInTx(id int64) (access.Patient, error) {
	var p access.Patient
	if err := t.get(&p, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, id); err != nil {
		return access.Patient{}, fmt.Errorf("store: patient %d: %w", id, err)
	}
	return p, nil
}

// PatientByFHIRID returns the patient imported with this FHIR id; ErrNotFound when there is none.
func (t *ImportTx) PatientByFHIRID(fhirID string) (access.Patient, error) {
	var p access.Patient
	if err := t.get(&p, `SELECT `+patientColumns+` FROM patients WHERE fhir_id = ?`, fhirID); err != nil {
		return access.Patient{}, fmt.Errorf("store: patient with FHIR id %s: %w", fhirID, err)
	}
	return p, nil
}

// PatientIDByBSN returns the id and FHIR id of the patient with this BSN; ErrNotFound when there is none.
func (t *ImportTx) PatientIDByBSN(bsn string) (int64, string, error) {
	var row struct {
		ID     int64          `db:"id"`
		FHIRID sql.NullString `db:"fhir_id"`
	}
	if err := t.get(&row, `SELECT id, fhir_id FROM patients WHERE bsn = ?`, bsn); err != nil {
		return 0, "", fmt.Errorf("store: patient by BSN: %w", err)
	}
	return row.ID, row.FHIRID.String, nil
}

// PatientIDByNumber returns the id and FHIR id of the patient with this hospital patient number.
func (t *ImportTx) PatientIDByNumber(number string) (int64, string, error) {
	var row struct {
		ID     int64          `db:"id"`
		FHIRID sql.NullString `db:"fhir_id"`
	}
	if err := t.get(&row, `SELECT id, fhir_id FROM patients WHERE patient_number = ?`, number); err != nil {
		return 0, "", fmt.Errorf("store: patient by number: %w", err)
	}
	return row.ID, row.FHIRID.String, nil
}

// PutPatient writes a patient: an update of p.ID when set, else an insert (or, when a patient with this
// FHIR id exists, an update of it); it sets p.ID.
func (t *ImportTx) PutPatient(p *access.Patient) error {
	birth := p.BirthDate.Format(time.DateOnly)
	id, err := t.upsert(p.ID, `SELECT id FROM patients WHERE fhir_id = ?`, p.FHIRID, `
		INSERT INTO patients (bsn, bsn_synthetic, patient_number, family_name, family_prefix, given_names, initials,
		                      birth_date, sex, deceased, deceased_at, fhir_id, updated_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE patients
		SET bsn = ?, bsn_synthetic = ?, patient_number = ?, family_name = ?, family_prefix = ?, given_names = ?,
		    initials = ?, birth_date = ?, sex = ?, deceased = ?, deceased_at = ?, fhir_id = ?, updated_at = ?
		WHERE id = ?`, 1,
		p.BSN, p.BSNSynthetic, p.PatientNumber, p.FamilyName, p.FamilyPrefix, p.GivenNames, p.Initials,
		birth, p.Sex, p.Deceased, utcPtr(p.DeceasedAt), p.FHIRID, t.now, t.now)
	if err != nil {
		return fmt.Errorf("store: put patient: %w", err)
	}
	p.ID = id
	return nil
}

// upsert writes one row. With a known id (a re-import found the row through fhir_resources) it updates
// that row; otherwise it inserts, and an insert that collides with an existing row of the same key (found
// by lookup with key) updates that row instead. The update statement takes the same arguments as the
// insert, minus the last extra ones the insert alone has (created_at), followed by the id. It returns the
// row id. Plain statements beat INSERT ... RETURNING, which SQLite runs through a temporary table.
func (t *ImportTx) upsert(id int64, lookup string, key any, insert, update string, insertOnly int, args ...any) (int64, error) {
	updateArgs := func(row int64) []any {
		a := make([]any, 0, len(args)+1)
		a = append(a, args[:len(args)-insertOnly]...)
		return append(a, row)
	}
	if id != 0 {
		res, err := t.exec(update, updateArgs(id)...)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return id, nil
		}
		// The row is gone (removed outside the import): write it again.
	}
	res, err := t.exec(insert, args...)
	if err == nil {
		return res.LastInsertId()
	}
	if !errors.Is(err, ErrConflict) {
		return 0, err
	}
	var existing int64
	if gerr := t.get(&existing, lookup, key); gerr != nil {
		return 0, err // the conflict was about something else (a duplicate BSN, say)
	}
	if _, err := t.exec(update, updateArgs(existing)...); err != nil {
		return 0, err
	}
	return existing, nil
}

// OrganisationInTx returns an organisation by id inside the import transaction.
func (t *ImportTx) OrganisationInTx(id int64) (dossier.Organisation, error) {
	var o dossier.Organisation
	if err := t.get(&o, `SELECT id, ura, agb, name, city, fhir_id FROM organisations WHERE id = ?`, id); err != nil {
		return dossier.Organisation{}, fmt.Errorf("store: organisation %d: %w", id, err)
	}
	return o, nil
}

// PutOrganisation writes an organisation: an update of o.ID when set (also a resource merged with one
// imported before under another FHIR id), else an insert by FHIR id; it sets o.ID.
func (t *ImportTx) PutOrganisation(o *dossier.Organisation) error {
	if o.ID != 0 {
		if _, err := t.exec(`UPDATE organisations SET ura = ?, agb = ?, name = ?, city = ? WHERE id = ?`,
			o.URA, o.AGB, o.Name, o.City, o.ID); err != nil {
			return fmt.Errorf("store: update organisation %d: %w", o.ID, err)
		}
		return nil
	}
	id, err := t.upsert(0, `SELECT id FROM organisations WHERE fhir_id = ?`, o.FHIRID, `
		INSERT INTO organisations (ura, agb, name, city, fhir_id) VALUES (?, ?, ?, ?, ?)`, `
		UPDATE organisations SET ura = ?, agb = ?, name = ?, city = ?, fhir_id = ? WHERE id = ?`, 0,
		o.URA, o.AGB, o.Name, o.City, o.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put organisation: %w", err)
	}
	o.ID = id
	return nil
}

// PractitionerInTx returns a practitioner by id inside the import transaction.
func (t *ImportTx) PractitionerInTx(id int64) (dossier.Practitioner, error) {
	var p dossier.Practitioner
	if err := t.get(&p, `SELECT id, agb, uzi, name, specialism, organisation_id, fhir_id FROM practitioners WHERE id = ?`, id); err != nil {
		return dossier.Practitioner{}, fmt.Errorf("store: practitioner %d: %w", id, err)
	}
	return p, nil
}

// PutPractitioner writes a practitioner: an update of p.ID when set (also a resource merged with one
// imported before under another FHIR id, whose FHIR id stays), else an insert by FHIR id; it sets p.ID.
func (t *ImportTx) PutPractitioner(p *dossier.Practitioner) error {
	if p.ID != 0 {
		if _, err := t.exec(`UPDATE practitioners SET agb = ?, uzi = ?, name = ?, specialism = ?, organisation_id = ? WHERE id = ?`,
			p.AGB, p.UZI, p.Name, p.Specialism, p.OrganisationID, p.ID); err != nil {
			return fmt.Errorf("store: update practitioner %d: %w", p.ID, err)
		}
		return nil
	}
	id, err := t.upsert(0, `SELECT id FROM practitioners WHERE fhir_id = ?`, p.FHIRID, `
		INSERT INTO practitioners (agb, uzi, name, specialism, organisation_id, fhir_id) VALUES (?, ?, ?, ?, ?, ?)`, `
		UPDATE practitioners SET agb = ?, uzi = ?, name = ?, specialism = ?, organisation_id = ?, fhir_id = ? WHERE id = ?`, 0,
		p.AGB, p.UZI, p.Name, p.Specialism, p.OrganisationID, p.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put practitioner: %w", err)
	}
	p.ID = id
	return nil
}

// SetPractitionerRole records what a PractitionerRole says of its practitioner: the specialism and the
// organisation the practitioner works for (kept when the role names none).
func (t *ImportTx) SetPractitionerRole(practitionerID int64, specialism string, organisationID *int64) error {
	_, err := t.exec(`
		UPDATE practitioners
		SET specialism = CASE WHEN ? <> '' THEN ? ELSE specialism END,
		    organisation_id = COALESCE(?, organisation_id)
		WHERE id = ?`, specialism, specialism, organisationID, practitionerID)
	if err != nil {
		return fmt.Errorf("store: practitioner role of %d: %w", practitionerID, err)
	}
	return nil
}

// PutEncounter writes an encounter (update of e.ID when set, else insert or update by FHIR id); it sets e.ID.
func (t *ImportTx) PutEncounter(e *dossier.Encounter) error {
	id, err := t.upsert(e.ID, `SELECT id FROM encounters WHERE fhir_id = ?`, e.FHIRID, `
		INSERT INTO encounters (patient_id, class, status, type, reason, department, practitioner, location,
		                        start_at, end_at, discharge_disposition, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE encounters
		SET patient_id = ?, class = ?, status = ?, type = ?, reason = ?, department = ?, practitioner = ?,
		    location = ?, start_at = ?, end_at = ?, discharge_disposition = ?, fhir_id = ?
		WHERE id = ?`, 0,
		e.PatientID, e.Class, e.Status, e.Type, e.Reason, e.Department, e.Practitioner, e.Location,
		e.StartAt.UTC(), utcPtr(e.EndAt), e.DischargeDisposition, e.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put encounter: %w", err)
	}
	e.ID = id
	return nil
}

// PutAppointment writes an appointment (update of a.ID when set, else insert or update by FHIR id); it
// sets a.ID.
func (t *ImportTx) PutAppointment(a *dossier.Appointment) error {
	id, err := t.upsert(a.ID, `SELECT id FROM appointments WHERE fhir_id = ?`, a.FHIRID, `
		INSERT INTO appointments (patient_id, status, description, department, practitioner, start_at, end_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE appointments
		SET patient_id = ?, status = ?, description = ?, department = ?, practitioner = ?, start_at = ?, end_at = ?,
		    fhir_id = ?
		WHERE id = ?`, 0,
		a.PatientID, a.Status, a.Description, a.Department, a.Practitioner, a.StartAt.UTC(), utcPtr(a.EndAt), a.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put appointment: %w", err)
	}
	a.ID = id
	return nil
}

// PutProcedure writes a procedure (update of p.ID when set, else insert or update by FHIR id); it sets p.ID.
func (t *ImportTx) PutProcedure(p *dossier.Procedure) error {
	id, err := t.upsert(p.ID, `SELECT id FROM procedures WHERE fhir_id = ?`, p.FHIRID, `
		INSERT INTO procedures (patient_id, code_system, code, display, status, performer, start_at, end_at, encounter_id, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE procedures
		SET patient_id = ?, code_system = ?, code = ?, display = ?, status = ?, performer = ?, start_at = ?,
		    end_at = ?, encounter_id = ?, fhir_id = ?
		WHERE id = ?`, 0,
		p.PatientID, p.CodeSystem, p.Code, p.Display, p.Status, p.Performer, utcPtr(p.StartAt), utcPtr(p.EndAt), p.EncounterID, p.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put procedure: %w", err)
	}
	p.ID = id
	return nil
}

// PutCondition writes a condition (update of c.ID when set, else insert or update by FHIR id); it sets c.ID.
func (t *ImportTx) PutCondition(c *dossier.Condition) error {
	id, err := t.upsert(c.ID, `SELECT id FROM conditions WHERE fhir_id = ?`, c.FHIRID, `
		INSERT INTO conditions (patient_id, code_system, code, display, clinical_status, verification_status, category,
		                        onset_at, abatement_at, recorded_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE conditions
		SET patient_id = ?, code_system = ?, code = ?, display = ?, clinical_status = ?, verification_status = ?,
		    category = ?, onset_at = ?, abatement_at = ?, recorded_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		c.PatientID, c.CodeSystem, c.Code, c.Display, c.ClinicalStatus, c.VerificationStatus, c.Category,
		utcPtr(c.OnsetAt), utcPtr(c.AbatementAt), utcPtr(c.RecordedAt), c.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put condition: %w", err)
	}
	c.ID = id
	return nil
}

// PutAllergy writes an allergy (update of a.ID when set, else insert or update by FHIR id); it sets a.ID.
func (t *ImportTx) PutAllergy(a *dossier.Allergy) error {
	id, err := t.upsert(a.ID, `SELECT id FROM allergies WHERE fhir_id = ?`, a.FHIRID, `
		INSERT INTO allergies (patient_id, code_system, code, display, type, category, criticality, clinical_status,
		                       verification_status, reaction, reaction_severity, onset_at, recorded_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE allergies
		SET patient_id = ?, code_system = ?, code = ?, display = ?, type = ?, category = ?, criticality = ?,
		    clinical_status = ?, verification_status = ?, reaction = ?, reaction_severity = ?, onset_at = ?,
		    recorded_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		a.PatientID, a.CodeSystem, a.Code, a.Display, a.Type, a.Category, a.Criticality, a.ClinicalStatus,
		a.VerificationStatus, a.Reaction, a.ReactionSeverity, utcPtr(a.OnsetAt), utcPtr(a.RecordedAt), a.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put allergy: %w", err)
	}
	a.ID = id
	return nil
}

// MedicationSourceKind returns the source kind of the medication row with this FHIR id, so that the
// importer can refuse a MedicationStatement that would overwrite a MedicationRequest of the same id.
func (t *ImportTx) MedicationSourceKind(fhirID string) (dossier.MedicationSource, error) {
	var kind dossier.MedicationSource
	if err := t.get(&kind, `SELECT source_kind FROM medications WHERE fhir_id = ?`, fhirID); err != nil {
		return "", fmt.Errorf("store: medication %s: %w", fhirID, err)
	}
	return kind, nil
}

// PutMedication writes a medication record (update of m.ID when set, else insert or update by FHIR id);
// it sets m.ID.
func (t *ImportTx) PutMedication(m *dossier.Medication) error {
	id, err := t.upsert(m.ID, `SELECT id FROM medications WHERE fhir_id = ?`, m.FHIRID, `
		INSERT INTO medications (patient_id, source_kind, code_system, code, drug, strength, dose, route, status, reason,
		                         prescriber, prescriber_specialism, start_at, stop_at, stop_reason, fhir_id, category,
		                         identifier_system, identifier_value, treatment_system, treatment_value, registered_at,
		                         stop_type, duration, period_condition, quantity, handed_over_at, days_supply, performer,
		                         links)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE medications
		SET patient_id = ?, source_kind = ?, code_system = ?, code = ?, drug = ?, strength = ?, dose = ?, route = ?,
		    status = ?, reason = ?, prescriber = ?, prescriber_specialism = ?, start_at = ?, stop_at = ?,
		    stop_reason = ?, fhir_id = ?, category = ?, identifier_system = ?, identifier_value = ?,
		    treatment_system = ?, treatment_value = ?, registered_at = ?, stop_type = ?, duration = ?,
		    period_condition = ?, quantity = ?, handed_over_at = ?, days_supply = ?, performer = ?, links = ?
		WHERE id = ?`, 0,
		m.PatientID, m.SourceKind, m.CodeSystem, m.Code, m.Drug, m.Strength, m.Dose, m.Route, m.Status, m.Reason,
		m.Prescriber, m.PrescriberSpecialism, utcPtr(m.StartAt), utcPtr(m.StopAt), m.StopReason, m.FHIRID, m.Category,
		m.IdentifierSystem, m.IdentifierValue, m.TreatmentSystem, m.TreatmentValue, utcPtr(m.RegisteredAt),
		m.StopType, m.Duration, m.PeriodCondition, m.Quantity, utcPtr(m.HandedOverAt), m.DaysSupply, m.Performer,
		m.Links)
	if err != nil {
		return fmt.Errorf("store: put medication: %w", err)
	}
	m.ID = id
	return nil
}

// MedicationIdentifier returns the business identifier of the medication record in row id, so that the
// importer can refuse another record that arrives under a resource id this one already has.
func (t *ImportTx) MedicationIdentifier(id int64) (system, value string, err error) {
	var row struct {
		System string `db:"identifier_system"`
		Value  string `db:"identifier_value"`
	}
	if err := t.get(&row, `SELECT identifier_system, identifier_value FROM medications WHERE id = ?`, id); err != nil {
		return "", "", fmt.Errorf("store: medication %d: %w", id, err)
	}
	return row.System, row.Value, nil
}

// medicationByIdentifier is the lookup of MedicationByIdentifier. The condition on an empty value lets
// SQLite use the partial index medications_identifier: a bound value proves nothing to the planner.
const medicationByIdentifier = `
		SELECT id, patient_id
		FROM medications
		WHERE identifier_value = ? AND identifier_value <> '' AND identifier_system = ? AND source_kind = ?
		ORDER BY id
		LIMIT 1`

// MedicationByIdentifier finds the medication record with this business identifier, of the given kind of
// resource: MP9 sends the same record again under another resource id, and it must stay one record.
// It returns the row id and the patient the record belongs to, or ErrNotFound.
func (t *ImportTx) MedicationByIdentifier(kind dossier.MedicationSource, system, value string) (id, patientID int64, err error) {
	var row struct {
		ID        int64 `db:"id"`
		PatientID int64 `db:"patient_id"`
	}
	if err := t.get(&row, medicationByIdentifier, value, system, kind); err != nil {
		return 0, 0, fmt.Errorf("store: medication %s|%s: %w", system, value, err)
	}
	return row.ID, row.PatientID, nil
}

// PutLabResult writes a lab result (update of r.ID when set, else insert or update by FHIR id); it sets
// r.ID. A report link set earlier by a DiagnosticReport is kept when the Observation itself names none.
func (t *ImportTx) PutLabResult(r *dossier.LabResult) error {
	id, err := t.upsert(r.ID, `SELECT id FROM lab_results WHERE fhir_id = ?`, r.FHIRID, `
		INSERT INTO lab_results (patient_id, code_system, code, display, value_num, value_text, comparator, unit,
		                         ref_low, ref_high, ref_text, interpretation, status, effective_at, report_fhir_id, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE lab_results
		SET patient_id = ?, code_system = ?, code = ?, display = ?, value_num = ?, value_text = ?, comparator = ?,
		    unit = ?, ref_low = ?, ref_high = ?, ref_text = ?, interpretation = ?, status = ?, effective_at = ?,
		    report_fhir_id = coalesce(?, report_fhir_id), fhir_id = ?
		WHERE id = ?`, 0,
		r.PatientID, r.CodeSystem, r.Code, r.Display, r.ValueNum, r.ValueText, r.Comparator, r.Unit,
		r.RefLow, r.RefHigh, r.RefText, r.Interpretation, r.Status, r.EffectiveAt.UTC(), r.ReportFHIRID, r.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put lab result: %w", err)
	}
	r.ID = id
	return nil
}

// LinkLabResults records that the lab results of these Observations (and their components) belong to a
// DiagnosticReport, so that the screens can show a panel together.
func (t *ImportTx) LinkLabResults(reportFHIRID string, observationFHIRIDs []string) error {
	for _, obs := range observationFHIRIDs {
		_, err := t.exec(`
			UPDATE lab_results SET report_fhir_id = ?
			WHERE fhir_id = ? OR (fhir_id >= ? AND fhir_id < ?)`, reportFHIRID, obs, obs+"#", obs+"$")
		if err != nil {
			return fmt.Errorf("store: link lab results to report %s: %w", reportFHIRID, err)
		}
	}
	return nil
}

// PutVitalSign writes a vital sign (update of v.ID when set, else insert or update by FHIR id); it sets v.ID.
func (t *ImportTx) PutVitalSign(v *dossier.VitalSign) error {
	id, err := t.upsert(v.ID, `SELECT id FROM vital_signs WHERE fhir_id = ?`, v.FHIRID, `
		INSERT INTO vital_signs (patient_id, code_system, code, display, value_num, value_text, unit, effective_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE vital_signs
		SET patient_id = ?, code_system = ?, code = ?, display = ?, value_num = ?, value_text = ?, unit = ?,
		    effective_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		v.PatientID, v.CodeSystem, v.Code, v.Display, v.ValueNum, v.ValueText, v.Unit, v.EffectiveAt.UTC(), v.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put vital sign: %w", err)
	}
	v.ID = id
	return nil
}

// PutImagingStudy writes an imaging study (update of s.ID when set, else insert or update by FHIR id); it
// sets s.ID.
func (t *ImportTx) PutImagingStudy(s *dossier.ImagingStudy) error {
	id, err := t.upsert(s.ID, `SELECT id FROM imaging_studies WHERE fhir_id = ?`, s.FHIRID, `
		INSERT INTO imaging_studies (patient_id, status, started_at, modality, description, body_site, series_count,
		                             instance_count, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE imaging_studies
		SET patient_id = ?, status = ?, started_at = ?, modality = ?, description = ?, body_site = ?,
		    series_count = ?, instance_count = ?, fhir_id = ?
		WHERE id = ?`, 0,
		s.PatientID, s.Status, utcPtr(s.StartedAt), s.Modality, s.Description, s.BodySite, s.SeriesCount, s.InstanceCount, s.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put imaging study: %w", err)
	}
	s.ID = id
	return nil
}

// PutTreatmentLimit writes a treatment limit (update of l.ID when set, else insert or update by FHIR id);
// it sets l.ID.
func (t *ImportTx) PutTreatmentLimit(l *dossier.TreatmentLimit) error {
	kind := l.Kind
	if kind == "" {
		kind = dossier.LimitFlag
	}
	id, err := t.upsert(l.ID, `SELECT id FROM treatment_limits WHERE fhir_id = ?`, l.FHIRID, `
		INSERT INTO treatment_limits (patient_id, code, description, status, recorded_at, kind, decision, specification,
		                              agreed_with, comment, ends_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE treatment_limits
		SET patient_id = ?, code = ?, description = ?, status = ?, recorded_at = ?, kind = ?, decision = ?,
		    specification = ?, agreed_with = ?, comment = ?, ends_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		l.PatientID, l.Code, l.Description, l.Status, utcPtr(l.RecordedAt), kind, l.Decision, l.Specification,
		l.AgreedWith, l.Comment, utcPtr(l.EndsAt), l.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put treatment limit: %w", err)
	}
	l.ID = id
	return nil
}

// PutReport writes a report with its attachments, in order (update of r.ID when set, else insert or update
// by FHIR id); it sets r.ID.
func (t *ImportTx) PutReport(r *dossier.Report, attachments []dossier.Attachment) error {
	id, err := t.upsert(r.ID, `SELECT id FROM reports WHERE fhir_id = ?`, r.FHIRID, `
		INSERT INTO reports (patient_id, kind, code_system, code, title, status, author, conclusion, effective_at,
		                     issued_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE reports
		SET patient_id = ?, kind = ?, code_system = ?, code = ?, title = ?, status = ?, author = ?, conclusion = ?,
		    effective_at = ?, issued_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		r.PatientID, r.Kind, r.CodeSystem, r.Code, r.Title, r.Status, r.Author, r.Conclusion,
		utcPtr(r.EffectiveAt), utcPtr(r.IssuedAt), r.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put report: %w", err)
	}
	r.ID = id
	return t.putAttachments("report_id", id, attachments)
}

// PutLetter writes a letter with its attachments, in order (update of l.ID when set, else insert or update
// by FHIR id); it sets l.ID.
func (t *ImportTx) PutLetter(l *dossier.Letter, attachments []dossier.Attachment) error {
	id, err := t.upsert(l.ID, `SELECT id FROM letters WHERE fhir_id = ?`, l.FHIRID, `
		INSERT INTO letters (patient_id, kind, type_code, title, status, author, author_specialism, written_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE letters
		SET patient_id = ?, kind = ?, type_code = ?, title = ?, status = ?, author = ?, author_specialism = ?,
		    written_at = ?, fhir_id = ?
		WHERE id = ?`, 0,
		l.PatientID, l.Kind, l.TypeCode, l.Title, l.Status, l.Author, l.AuthorSpecialism, l.WrittenAt.UTC(), l.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put letter: %w", err)
	}
	l.ID = id
	return t.putAttachments("letter_id", id, attachments)
}

// putAttachments makes the attachments of a report or letter exactly the given ones: a position that
// exists is updated in place (its id, which a screen may have in a URL, stays), new positions are added and
// positions beyond the new count are removed.
func (t *ImportTx) putAttachments(owner string, ownerID int64, attachments []dossier.Attachment) error {
	var update, insert, trim string
	switch owner {
	case "report_id":
		update = `UPDATE attachments SET content_type = ?, title = ?, data = ?, sha256 = ? WHERE report_id = ? AND position = ?`
		insert = `INSERT INTO attachments (report_id, position, content_type, title, data, sha256) VALUES (?, ?, ?, ?, ?, ?)`
		trim = `DELETE FROM attachments WHERE report_id = ? AND position >= ?`
	case "letter_id":
		update = `UPDATE attachments SET content_type = ?, title = ?, data = ?, sha256 = ? WHERE letter_id = ? AND position = ?`
		insert = `INSERT INTO attachments (letter_id, position, content_type, title, data, sha256) VALUES (?, ?, ?, ?, ?, ?)`
		trim = `DELETE FROM attachments WHERE letter_id = ? AND position >= ?`
	default:
		return fmt.Errorf("store: attachments of unknown owner %q", owner)
	}
	for i, a := range attachments {
		sum := sha256.Sum256(a.Data)
		digest := hex.EncodeToString(sum[:])
		data := a.Data
		if data == nil {
			data = []byte{}
		}
		res, err := t.exec(update, a.ContentType, a.Title, data, digest, ownerID, i)
		if err != nil {
			return fmt.Errorf("store: update attachment %d: %w", i, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			continue
		}
		if _, err := t.exec(insert, ownerID, i, a.ContentType, a.Title, data, digest); err != nil {
			return fmt.Errorf("store: insert attachment %d: %w", i, err)
		}
	}
	if _, err := t.exec(trim, ownerID, len(attachments)); err != nil {
		return fmt.Errorf("store: remove old attachments: %w", err)
	}
	return nil
}

// ImportedBy is the created_by / recorded_by / ended_by value of rows the FHIR import writes.
const ImportedBy = "fhir-import"

// PutRelationship writes a treatment relationship by its source reference (update when one with that
// reference exists, else insert); it sets r.ID. A relationship the import itself ended earlier is opened
// again when the source names it again; one ended by a person in the portal stays ended.
func (t *ImportTx) PutRelationship(r *access.Relationship) error {
	if r.SourceRef == nil || *r.SourceRef == "" {
		return fmt.Errorf("store: put relationship: %w: no source reference", ErrConflict)
	}
	id, err := t.upsert(r.ID, `SELECT id FROM relationships WHERE source_ref = ?`, r.SourceRef, `
		INSERT INTO relationships (patient_id, holder_kind, holder_agb, holder_ura, holder_name, kind, mandate_ura,
		                           source, source_ref, valid_from, valid_until, reason, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE relationships
		SET patient_id = ?1, holder_kind = ?2, holder_agb = ?3, holder_ura = ?4, holder_name = ?5, kind = ?6,
		    mandate_ura = ?7, source = ?8, source_ref = ?9, valid_from = ?10, valid_until = ?11, reason = ?12,
		    ended_at = CASE WHEN ended_by = ?13 THEN NULL ELSE ended_at END,
		    end_reason = CASE WHEN ended_by = ?13 THEN NULL ELSE end_reason END,
		    ended_by = CASE WHEN ended_by = ?13 THEN NULL ELSE ended_by END
		WHERE id = ?14`, 1,
		r.PatientID, r.HolderKind, r.HolderAGB, r.HolderURA, r.HolderName, r.Kind, r.MandateURA,
		r.Source, r.SourceRef, r.ValidFrom.UTC(), utcPtr(r.ValidUntil), r.Reason, ImportedBy, t.now)
	if err != nil {
		return fmt.Errorf("store: put relationship: %w", err)
	}
	r.ID = id
	return nil
}

// RelationshipValidFrom returns the start of the relationship with this source reference, so that a
// re-import of a source without dates keeps the first import's start; ErrNotFound when there is none.
func (t *ImportTx) RelationshipValidFrom(sourceRef string) (time.Time, error) {
	var from time.Time
	if err := t.get(&from, `SELECT valid_from FROM relationships WHERE source_ref = ?`, sourceRef); err != nil {
		return time.Time{}, fmt.Errorf("store: relationship %s: %w", sourceRef, err)
	}
	return from, nil
}

// EndRelationshipsNotIn ends the open relationships that one source resource produced before (source
// references starting with prefix) and no longer produces (not in keep): the patient changed GP, say.
func (t *ImportTx) EndRelationshipsNotIn(prefix string, keep []string, reason string) (int, error) {
	var refs []string
	err := t.selectAll(&refs, `
		SELECT source_ref FROM relationships
		WHERE source_ref >= ? AND source_ref < ? AND ended_at IS NULL`, prefix, prefix+"\U0010FFFF")
	if err != nil {
		return 0, fmt.Errorf("store: relationships from %s: %w", prefix, err)
	}
	kept := map[string]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	ended := 0
	for _, ref := range refs {
		if kept[ref] {
			continue
		}
		_, err := t.exec(`UPDATE relationships SET ended_at = ?, ended_by = ?, end_reason = ? WHERE source_ref = ?`,
			t.now, ImportedBy, reason, ref)
		if err != nil {
			return ended, fmt.Errorf("store: end relationship %s: %w", ref, err)
		}
		ended++
	}
	return ended, nil
}

// PutConsent writes one consent decision by its source reference (update when one with that reference
// exists, else insert); it sets c.ID.
func (t *ImportTx) PutConsent(c *access.Consent) error {
	if c.SourceRef == nil || *c.SourceRef == "" {
		return fmt.Errorf("store: put consent: %w: no source reference", ErrConflict)
	}
	id, err := t.upsert(c.ID, `SELECT id FROM consents WHERE source_ref = ?`, c.SourceRef, `
		INSERT INTO consents (patient_id, category, status, registered_by, channel, given_at, note, source_ref,
		                      recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE consents
		SET patient_id = ?, category = ?, status = ?, registered_by = ?, channel = ?, given_at = ?, note = ?,
		    source_ref = ?
		WHERE id = ?`, 2,
		c.PatientID, c.Category, c.Status, c.RegisteredBy, c.Channel, c.GivenAt.UTC(), c.Note, c.SourceRef, ImportedBy, t.now)
	if err != nil {
		return fmt.Errorf("store: put consent: %w", err)
	}
	c.ID = id
	return nil
}
