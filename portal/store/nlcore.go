package store

import (
	"context"
	"fmt"

	"zorgverlenersportaal/portal/dossier"
)

// The nl-core (zib 2020) data that the hospital's own profile did not carry: the Dutch name parts of a
// patient, alerts and medical devices. Reads are per patient, like the other dossier reads.

// PatientName is the part of a Dutch name (zib NameInformation) kept beside the own family name.
type PatientName struct {
	PartnerPrefix, PartnerName string
	// Order is the assembly order NL1-NL4, or empty.
	Order       string
	CallingName string
}

// PutPatientName writes the partner's name, the assembly order and the calling name of a patient that
// PutPatient has just written.
func (t *ImportTx) PutPatientName(patientID int64, n PatientName) error {
	_, err := t.exec(`
		UPDATE patients SET partner_prefix = ?, partner_name = ?, name_order = ?, calling_name = ?
		WHERE id = ?`, n.PartnerPrefix, n.PartnerName, n.Order, n.CallingName, patientID)
	if err != nil {
		return fmt.Errorf("store: put name of patient %d: %w", patientID, err)
	}
	return nil
}

// PutAlert writes an alert (update of a.ID when set, else insert or update by FHIR id); it sets a.ID.
func (t *ImportTx) PutAlert(a *dossier.Alert) error {
	id, err := t.upsert(a.ID, `SELECT id FROM alerts WHERE fhir_id = ?`, a.FHIRID, `
		INSERT INTO alerts (patient_id, kind, code_system, code, display, category, status, start_at, end_at,
		                    comment, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE alerts
		SET patient_id = ?, kind = ?, code_system = ?, code = ?, display = ?, category = ?, status = ?,
		    start_at = ?, end_at = ?, comment = ?, fhir_id = ?
		WHERE id = ?`, 0,
		a.PatientID, a.Kind, a.CodeSystem, a.Code, a.Display, a.Category, a.Status, utcPtr(a.StartAt),
		utcPtr(a.EndAt), a.Comment, a.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put alert: %w", err)
	}
	a.ID = id
	return nil
}

// PutMedicalDevice writes a medical device (update of d.ID when set, else insert or update by FHIR id);
// it sets d.ID.
func (t *ImportTx) PutMedicalDevice(d *dossier.MedicalDevice) error {
	id, err := t.upsert(d.ID, `SELECT id FROM medical_devices WHERE fhir_id = ?`, d.FHIRID, `
		INSERT INTO medical_devices (patient_id, code_system, code, display, description, status, body_site,
		                             indication, start_at, end_at, note, fhir_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, `
		UPDATE medical_devices
		SET patient_id = ?, code_system = ?, code = ?, display = ?, description = ?, status = ?, body_site = ?,
		    indication = ?, start_at = ?, end_at = ?, note = ?, fhir_id = ?
		WHERE id = ?`, 0,
		d.PatientID, d.CodeSystem, d.Code, d.Display, d.Description, d.Status, d.BodySite, d.Indication,
		utcPtr(d.StartAt), utcPtr(d.EndAt), d.Note, d.FHIRID)
	if err != nil {
		return fmt.Errorf("store: put medical device: %w", err)
	}
	d.ID = id
	return nil
}

// Alerts lists a patient's alerts, active ones first, newest first.
func (s *Store) Alerts(ctx context.Context, patientID int64) ([]dossier.Alert, error) {
	var out []dossier.Alert
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, kind, code_system, code, display, category, status, start_at, end_at, comment, fhir_id
		FROM alerts
		WHERE patient_id = ?
		ORDER BY status <> 'active', start_at IS NULL, start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: alerts of patient %d: %w", patientID, err)
	}
	return out, nil
}

// MedicalDevices lists a patient's medical devices, those in use first, newest first.
func (s *Store) MedicalDevices(ctx context.Context, patientID int64) ([]dossier.MedicalDevice, error) {
	var out []dossier.MedicalDevice
	err := s.read.SelectContext(ctx, &out, `
		SELECT id, patient_id, code_system, code, display, description, status, body_site, indication, start_at,
		       end_at, note, fhir_id
		FROM medical_devices
		WHERE patient_id = ?
		ORDER BY status <> 'active', start_at IS NULL, start_at DESC, id DESC`, patientID)
	if err != nil {
		return nil, fmt.Errorf("store: medical devices of patient %d: %w", patientID, err)
	}
	return out, nil
}
