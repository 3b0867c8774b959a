package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"zorgverlenersportaal/portal/store"
)

// TimeLayout is the record time: UTC with milliseconds, fixed width so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// HashFormat is the format new records are written in. Format 1 (the records written before migration
// 0030) hashes every field but the id; format 2 also hashes the id, the format itself and the user's
// organisation name, so that renumbering a record breaks its own hash, not only the sequence.
const HashFormat = 2

// Chain sets the record's previous hash and computes its own. Verification recomputes it.
func Chain(prev string, r *store.AccessRecord) {
	r.PrevHash = prev
	r.HashFormat = HashFormat
	r.Hash = Hash(*r)
}

// Hash computes a record's hash from its previous hash and content, in the record's own format: SHA-256
// over a JSON array of the fields in a fixed order (JSON, so that no field value can imitate a separator).
func Hash(r store.AccessRecord) string {
	var fields []any
	switch r.HashFormat {
	case 1:
		fields = []any{
			r.PrevHash, r.At, r.Event, r.Outcome, r.Reason, r.UserUZI, r.UserName, r.UserRole, r.UserAGB,
			r.UserURA, r.OnBehalfOf, r.PatientBSN, r.PatientNumber, r.ObjectCategory, r.ObjectIDs, r.Basis,
			r.Emergency, r.ClientIP, r.CertFingerprint, r.RequestID, r.Detail,
		}
	default:
		fields = []any{
			r.HashFormat, r.ID, r.PrevHash, r.At, r.Event, r.Outcome, r.Reason, r.UserUZI, r.UserName,
			r.UserRole, r.UserAGB, r.UserURA, r.UserOrg, r.OnBehalfOf, r.PatientBSN, r.PatientNumber,
			r.ObjectCategory, r.ObjectIDs, r.Basis, r.Emergency, r.ClientIP, r.CertFingerprint, r.RequestID,
			r.Detail,
		}
	}
	content, _ := json.Marshal(fields)
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}
