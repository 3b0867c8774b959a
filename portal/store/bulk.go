package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/dossier"
	"zorgverlenersportaal/portal/publicid"
)

// Bulk inserts generated data (the load-test data set: a million patients in minutes) in one large
// transaction through statements prepared once. It writes rows as they are given: no FHIR identities, no
// access-log record per row, none of the checks of the portal's own write methods. It exists for the
// dataset generator only; everything the portal itself writes goes through the methods that check and log.
type Bulk struct {
	ctx   context.Context // the caller's, checked before every row
	quiet context.Context // the same without cancellation, for the statements (see exec)
	tx    *sqlx.Tx
	stmts map[string]*sqlx.Stmt
	// ids makes the public ids of the rows that have an address (patients, lab results, letters and their
	// attachments) here, a few nanoseconds each, rather than by the insert trigger's second write.
	ids *publicid.Source
}

// BulkLoad runs fn in one write transaction on the writer connection, with SQLite tuned for loading and
// set back afterwards: synchronous=OFF (a crash during generation loses the chunk being written) and
// ignore_check_constraints=ON. The CHECK constraints with IN lists (category, status, kind, ...) make
// SQLite build and drop a small temporary table for every row, which costs more than the insert; the
// generator's tests check its rows against them with IntegrityCheck. Foreign keys stay enforced. The
// generator calls it once per chunk of patients so that the write-ahead log stays bounded.
func (s *Store) BulkLoad(ctx context.Context, fn func(b *Bulk) error) error {
	conn, err := s.write.Connx(ctx)
	if err != nil {
		return fmt.Errorf("store: reserve writer: %w", err)
	}
	defer conn.Close()
	for _, pragma := range []string{`PRAGMA synchronous = OFF`, `PRAGMA ignore_check_constraints = ON`} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("store: %s: %w", pragma, err)
		}
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA ignore_check_constraints = OFF`)
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`)
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	b := &Bulk{ctx: ctx, quiet: context.WithoutCancel(ctx), tx: tx, stmts: map[string]*sqlx.Stmt{}, ids: publicid.NewSource()}
	defer func() {
		for _, st := range b.stmts {
			st.Close()
		}
	}()
	if err := fn(b); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// exec runs one of the bulk statements, preparing it on first use. The driver watches a cancellable
// context with a goroutine per statement, which costs more than the insert itself; so the statement runs
// without cancellation and the caller's context is checked before it instead.
func (b *Bulk) exec(query string, args ...any) (int64, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	st, ok := b.stmts[query]
	if !ok {
		var err error
		if st, err = b.tx.PreparexContext(b.ctx, query); err != nil {
			return 0, fmt.Errorf("store: prepare bulk insert: %w", err)
		}
		b.stmts[query] = st
	}
	res, err := st.ExecContext(b.quiet, args...)
	if err != nil {
		return 0, translate(err)
	}
	return res.LastInsertId()
}

// Patient inserts a patient and returns its id (p.ID, when set, is used as the id).
func (b *Bulk) Patient(p access.Patient) (int64, error) {
	var id any
	if p.ID != 0 {
		id = p.ID
	}
	n, err := b.exec(`
		INSERT INTO patients (
		    id, bsn, bsn_synthetic, patient_number, family_name, family_prefix, given_names, initials,
		    birth_date, sex, deceased, deceased_at, fhir_id, created_at, updated_at, public_id
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, p.BSN, p.BSNSynthetic, p.PatientNumber, p.FamilyName, p.FamilyPrefix, p.GivenNames, p.Initials,
		p.BirthDate.Format(time.DateOnly), p.Sex, p.Deceased, utcPtr(p.DeceasedAt), p.FHIRID, p.CreatedAt.UTC(), p.UpdatedAt.UTC(),
		b.ids.Next())
	if err != nil {
		return 0, fmt.Errorf("store: bulk patient %s: %w", p.PatientNumber, err)
	}
	return n, nil
}

// Relationship inserts a treatment relationship.
func (b *Bulk) Relationship(r access.Relationship) error {
	_, err := b.exec(`
		INSERT INTO relationships (
		    patient_id, holder_kind, holder_agb, holder_ura, holder_name, kind, mandate_ura, source, source_ref,
		    valid_from, valid_until, reason, created_by, created_at, ended_at, ended_by, end_reason
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PatientID, r.HolderKind, r.HolderAGB, r.HolderURA, r.HolderName, r.Kind, r.MandateURA, r.Source, r.SourceRef,
		r.ValidFrom.UTC(), utcPtr(r.ValidUntil), r.Reason, r.CreatedBy, r.CreatedAt.UTC(), utcPtr(r.EndedAt), r.EndedBy, r.EndReason)
	if err != nil {
		return fmt.Errorf("store: bulk relationship of patient %d: %w", r.PatientID, err)
	}
	return nil
}

// Consent inserts a consent decision.
func (b *Bulk) Consent(c access.Consent) error {
	_, err := b.exec(`
		INSERT INTO consents (
		    patient_id, category, status, registered_by, channel, given_at, recorded_by, recorded_at, note, source_ref
		) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.PatientID, c.Category, c.Status, c.RegisteredBy, c.Channel, c.GivenAt.UTC(), c.RecordedBy, c.RecordedAt.UTC(), c.Note, c.SourceRef)
	if err != nil {
		return fmt.Errorf("store: bulk consent of patient %d: %w", c.PatientID, err)
	}
	return nil
}

// Encounter inserts an encounter and returns its id.
func (b *Bulk) Encounter(e dossier.Encounter) (int64, error) {
	id, err := b.exec(`
		INSERT INTO encounters (patient_id, class, status, type, reason, department, practitioner, location, start_at,
		                        end_at, discharge_disposition, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.PatientID, e.Class, e.Status, e.Type, e.Reason, e.Department, e.Practitioner, e.Location, e.StartAt.UTC(),
		utcPtr(e.EndAt), e.DischargeDisposition, e.FHIRID)
	if err != nil {
		return 0, fmt.Errorf("store: bulk encounter of patient %d: %w", e.PatientID, err)
	}
	return id, nil
}

// Condition inserts a problem or diagnosis.
func (b *Bulk) Condition(c dossier.Condition) error {
	_, err := b.exec(`
		INSERT INTO conditions (patient_id, code_system, code, display, clinical_status, verification_status, category,
		                        onset_at, abatement_at, recorded_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.PatientID, c.CodeSystem, c.Code, c.Display, c.ClinicalStatus, c.VerificationStatus, c.Category,
		utcPtr(c.OnsetAt), utcPtr(c.AbatementAt), utcPtr(c.RecordedAt), c.FHIRID)
	if err != nil {
		return fmt.Errorf("store: bulk condition of patient %d: %w", c.PatientID, err)
	}
	return nil
}

// Allergy inserts an allergy, or the statement that there is none.
func (b *Bulk) Allergy(a dossier.Allergy) error {
	_, err := b.exec(`
		INSERT INTO allergies (patient_id, code_system, code, display, type, category, criticality, clinical_status,
		                       verification_status, reaction, onset_at, recorded_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.PatientID, a.CodeSystem, a.Code, a.Display, a.Type, a.Category, a.Criticality, a.ClinicalStatus,
		a.VerificationStatus, a.Reaction, utcPtr(a.OnsetAt), utcPtr(a.RecordedAt), a.FHIRID)
	if err != nil {
		return fmt.Errorf("store: bulk allergy of patient %d: %w", a.PatientID, err)
	}
	return nil
}

// Medication inserts a medication entry.
func (b *Bulk) Medication(m dossier.Medication) error {
	_, err := b.exec(`
		INSERT INTO medications (patient_id, source_kind, code_system, code, drug, strength, dose, route, status, reason,
		                         prescriber, prescriber_specialism, start_at, stop_at, stop_reason, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.PatientID, m.SourceKind, m.CodeSystem, m.Code, m.Drug, m.Strength, m.Dose, m.Route, m.Status, m.Reason,
		m.Prescriber, m.PrescriberSpecialism, utcPtr(m.StartAt), utcPtr(m.StopAt), m.StopReason, m.FHIRID)
	if err != nil {
		return fmt.Errorf("store: bulk medication of patient %d: %w", m.PatientID, err)
	}
	return nil
}

// LabResult inserts a laboratory value.
func (b *Bulk) LabResult(r dossier.LabResult) error {
	_, err := b.exec(`
		INSERT INTO lab_results (patient_id, code_system, code, display, value_num, value_text, comparator, unit,
		                         ref_low, ref_high, ref_text, interpretation, status, effective_at, report_fhir_id, fhir_id,
		                         public_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PatientID, r.CodeSystem, r.Code, r.Display, r.ValueNum, r.ValueText, r.Comparator, r.Unit,
		r.RefLow, r.RefHigh, r.RefText, r.Interpretation, r.Status, r.EffectiveAt.UTC(), r.ReportFHIRID, r.FHIRID,
		b.ids.Next())
	if err != nil {
		return fmt.Errorf("store: bulk lab result of patient %d: %w", r.PatientID, err)
	}
	return nil
}

// Letter inserts a letter with its attachments (positions in the given order).
func (b *Bulk) Letter(l dossier.Letter, attachments []dossier.Attachment) (int64, error) {
	id, err := b.exec(`
		INSERT INTO letters (patient_id, kind, type_code, title, status, author, author_specialism, written_at, fhir_id,
		                     public_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.PatientID, l.Kind, l.TypeCode, l.Title, l.Status, l.Author, l.AuthorSpecialism, l.WrittenAt.UTC(), l.FHIRID,
		b.ids.Next())
	if err != nil {
		return 0, fmt.Errorf("store: bulk letter of patient %d: %w", l.PatientID, err)
	}
	for i, a := range attachments {
		sum := sha256.Sum256(a.Data)
		if _, err := b.exec(`
			INSERT INTO attachments (letter_id, position, content_type, title, data, sha256, public_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, i, a.ContentType, a.Title, a.Data, hex.EncodeToString(sum[:]), b.ids.Next()); err != nil {
			return 0, fmt.Errorf("store: bulk attachment of letter %d: %w", id, err)
		}
	}
	return id, nil
}

// TreatmentLimit inserts a treatment limit.
func (b *Bulk) TreatmentLimit(t dossier.TreatmentLimit) error {
	_, err := b.exec(`
		INSERT INTO treatment_limits (patient_id, code, description, status, recorded_at, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?)`,
		t.PatientID, t.Code, t.Description, t.Status, utcPtr(t.RecordedAt), t.FHIRID)
	if err != nil {
		return fmt.Errorf("store: bulk treatment limit of patient %d: %w", t.PatientID, err)
	}
	return nil
}

// MaxPatientID is the highest patient id in use (0 in an empty database); the generator numbers its
// patients after it.
func (s *Store) MaxPatientID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.read.GetContext(ctx, &id, `SELECT coalesce(max(id), 0) FROM patients`); err != nil {
		return 0, fmt.Errorf("store: highest patient id: %w", err)
	}
	return id, nil
}

// IntegrityCheck runs SQLite's integrity check, which also tests every row against the schema's CHECK and
// NOT NULL constraints; nil means the database is sound. Bulk loads skip the CHECK constraints for speed,
// and the generator's tests prove with this that its rows satisfy them all the same.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var problems []string
	if err := s.read.SelectContext(ctx, &problems, `PRAGMA integrity_check`); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	return fmt.Errorf("store: integrity check: %s", strings.Join(problems, "; "))
}

// WithoutAccessLogIndexes runs fn with the access log's secondary indexes dropped and then builds them
// again from their own definitions as the schema holds them (so they cannot drift from the migrations),
// also when fn fails or ctx ends. The generator appends millions of records this way: each record would
// otherwise land at a random place in the patient index, and once that index outgrows the page cache
// every batch rewrites thousands of its pages; building an index afterwards is one sort. Only for a
// database nobody else uses meanwhile: the portal's own reads need the indexes. A process killed in
// between leaves the log without them; the generator's data folder is then to be made again.
func (s *Store) WithoutAccessLogIndexes(ctx context.Context, fn func() error) error {
	var indexes []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := s.write.SelectContext(ctx, &indexes,
		`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_log' AND sql IS NOT NULL ORDER BY name`); err != nil {
		return fmt.Errorf("store: access-log indexes: %w", err)
	}
	for _, ix := range indexes {
		if _, err := s.write.ExecContext(ctx, `DROP INDEX `+quoteIdent(ix.Name)); err != nil {
			return fmt.Errorf("store: drop index %s: %w", ix.Name, err)
		}
	}
	err := fn()
	rebuild := context.WithoutCancel(ctx)
	for _, ix := range indexes {
		if _, cerr := s.write.ExecContext(rebuild, ix.SQL); cerr != nil {
			err = errors.Join(err, fmt.Errorf("store: build index %s again: %w", ix.Name, cerr))
		}
	}
	return err
}

// quoteIdent quotes an SQL identifier read from the schema.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
