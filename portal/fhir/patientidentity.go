package fhir

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/store"
)

// One person, one dossier. The BSN says who a patient is; the resource id only says how one sending
// system named them. So a Patient whose BSN the portal already holds is that patient, whatever its id and
// whichever bundle it comes in: its data joins the dossier and its id is recorded as another name of the
// same patient (fhir_resources points both ids at the one row), so that references to either resolve to
// it. The same BSN with another birth date is not the same person as far as the portal can tell: that is
// a conflict, rejected with both resources and dates named.
//
// A synthetic test BSN (--synthetic-bsn, for sample data without one) never blocks a real one: when a real
// BSN arrives that a synthetic patient holds, the synthetic patient is given another synthetic number, the
// change is written to the access log and the server log, and the real patient gets their own number.
// Synthetic numbers are drawn so that they do not collide again: never a number any patient holds, never a
// BSN that a Patient of the bundle being imported (or of any file of the same import run) brings.

// maxSyntheticDraws bounds the search for a free synthetic BSN. The 9999 test range holds about 9,090
// valid numbers; a range that full is a reason to stop with a message, not to loop for ever.
const maxSyntheticDraws = 20000

// Renumbering records a synthetic test BSN that was given up to a real patient.
type Renumbering struct {
	// PatientNumber is the hospital patient number of the synthetic patient (it does not change).
	PatientNumber string `json:"patient_number"`
	// Resource is the synthetic patient's resource (Patient/id).
	Resource string `json:"resource"`
	// OldBSN is the synthetic number the real patient brought; NewBSN the synthetic number given instead.
	OldBSN string `json:"old_bsn"`
	NewBSN string `json:"new_bsn"`
	// For is the resource of the real patient that holds OldBSN now.
	For string `json:"for"`

	patientID int64
}

// reserveBSNs adds the BSNs a bundle's bytes mention to reserved: the 9-digit values next to each mention
// of the BSN system, whatever the order of the keys. It only keeps numbers out of the synthetic draw, so a
// neighbouring value that is not a BSN costs a number, never a collision. Finding the system with
// bytes.Index first keeps the scan cheap (in a CPU profile of the Synthea import it is under 1 %); a
// regular expression over whole files is much slower than that.
func reserveBSNs(reserved map[string]bool, data []byte) {
	marker := []byte(`"` + SystemBSN + `"`)
	for i := 0; i < len(data); {
		j := bytes.Index(data[i:], marker)
		if j < 0 {
			return
		}
		at := i + j
		lo, hi := max(0, at-bsnWindow), min(len(data), at+len(marker)+bsnWindow)
		for _, m := range bsnValue.FindAllSubmatch(data[lo:hi], -1) {
			reserved[string(m[1])] = true
		}
		i = at + len(marker)
	}
}

// bsnWindow is how far around the system the value of its identifier is looked for.
const bsnWindow = 160

var bsnValue = regexp.MustCompile(`"value"\s*:\s*"(\d{9})"`)

// settleIdentity decides which dossier a Patient resource is and which BSN it holds. It fills row.BSN,
// row.BSNSynthetic and, when the BSN belongs to a dossier the portal already holds under another resource
// id, row.ID and row.FHIRID of that dossier (merged is then true and current that dossier). birth is the
// resource's birth date, checked against the dossier's.
func (r *run) settleIdentity(e *entry, row *access.Patient, current **access.Patient, bsn string, birth time.Time) (merged bool, err error) {
	cur := *current
	switch {
	case bsn == "" && cur != nil:
		// A source that leaves the BSN out does not take the dossier's number away.
		row.BSN, row.BSNSynthetic = cur.BSN, cur.BSNSynthetic
		return false, nil
	case bsn == "":
		row.BSNSynthetic = true
		row.BSN, err = r.drawSyntheticBSN("Patient/" + e.id)
		return false, err
	}
	row.BSN, row.BSNSynthetic = bsn, false
	holder, err := r.tx.PatientByBSNInTx(bsn)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if holder.ID == row.ID {
		return false, nil
	}
	if holder.BSNSynthetic {
		return false, r.renumberSynthetic(holder, e)
	}
	holderName := "Patient/" + deref(holder.FHIRID)
	if holder.FHIRID == nil {
		holderName = "patient " + holder.PatientNumber
	}
	if !sameDay(holder.BirthDate, birth) {
		return false, reject("BSN %s conflict: %s (born %s) has the BSN of %s (born %s), which the portal already holds; "+
			"the same BSN with another birth date is not imported, nor is the data that refers to it. Correct the BSN or the birth date in the sending system",
			bsn, e.name(), birth.Format(time.DateOnly), holderName, holder.BirthDate.Format(time.DateOnly))
	}
	if cur != nil {
		return false, reject("BSN %s is held by %s, while %s already has a dossier of its own (patient %s); "+
			"the portal does not merge two dossiers on import: ask the hospital's administrator to resolve the double registration",
			bsn, holderName, e.name(), cur.PatientNumber)
	}
	// The same person under another id: this resource joins that dossier.
	row.ID, row.FHIRID = holder.ID, holder.FHIRID
	*current = &holder
	return true, nil
}

// sameDay compares two birth dates as calendar days.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// renumberSynthetic gives the synthetic patient holding the BSN that e brings another synthetic number.
func (r *run) renumberSynthetic(holder access.Patient, e *entry) error {
	seed := "Patient/" + deref(holder.FHIRID)
	if holder.FHIRID == nil {
		seed = "patient " + holder.PatientNumber
	}
	next, err := r.drawSyntheticBSN(seed)
	if err != nil {
		return err
	}
	if err := r.tx.RenumberSyntheticBSN(holder.ID, holder.BSN, next); err != nil {
		return err
	}
	delete(r.patients, holder.ID) // read again when the bundle's data names it
	r.renumbered = append(r.renumbered, Renumbering{
		PatientNumber: holder.PatientNumber, Resource: seed, OldBSN: holder.BSN, NewBSN: next, For: e.name(),
		patientID: holder.ID,
	})
	return nil
}

// drawSyntheticBSN draws a synthetic test BSN for seed: the first of its deterministic candidates that no
// patient holds and no Patient of this import brings.
func (r *run) drawSyntheticBSN(seed string) (string, error) {
	for attempt := 0; attempt < maxSyntheticDraws; attempt++ {
		candidate := SyntheticBSN(seed, attempt)
		if r.reserved[candidate] {
			continue
		}
		_, err := r.tx.PatientByBSNInTx(candidate)
		if errors.Is(err, store.ErrNotFound) {
			return candidate, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", reject("no free synthetic test BSN after %d draws: the 9999 test range is nearly full; import fewer test patients without BSN", maxSyntheticDraws)
}

// renumberReason says in a sentence what a renumbering did, for the access log and the server log.
func renumberReason(rn Renumbering) string {
	return fmt.Sprintf("synthetic test BSN %s of %s (patient %s) given up to %s, which brings it as a real BSN; the test patient now has synthetic BSN %s",
		rn.OldBSN, rn.Resource, rn.PatientNumber, rn.For, rn.NewBSN)
}
