package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"

	"zorgverlenersportaal/portal/store"
)

// TimeLayout is the record time: UTC with milliseconds, fixed width so that text order is time order.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// HashFormat is the format new records are written in. Format 1 (the records written before migration
// 0030) hashes a JSON array of every field but the id. Format 2 also covers the id, the format itself and
// the user's organisation name, so that renumbering a record breaks its own hash and not only the
// sequence, and it writes each field as a netstring ("<length>:<bytes>,"), which no field value can
// imitate and which is cheap to produce: the appender hashes every record of a batch in turn.
const HashFormat = 2

// Chain sets the record's previous hash and computes its own. Verification recomputes it.
func Chain(prev string, r *store.AccessRecord) {
	r.PrevHash = prev
	r.HashFormat = HashFormat
	r.Hash = Hash(*r)
}

// Hash computes a record's hash from its previous hash and content, in the record's own format.
func Hash(r store.AccessRecord) string {
	var sum [sha256.Size]byte
	if r.HashFormat == 1 {
		content, _ := json.Marshal([]any{
			r.PrevHash, r.At, r.Event, r.Outcome, r.Reason, r.UserUZI, r.UserName, r.UserRole, r.UserAGB,
			r.UserURA, r.OnBehalfOf, r.PatientBSN, r.PatientNumber, r.ObjectCategory, r.ObjectIDs, r.Basis,
			r.Emergency, r.ClientIP, r.CertFingerprint, r.RequestID, r.Detail,
		})
		sum = sha256.Sum256(content)
		return hex.EncodeToString(sum[:])
	}
	emergency := "0"
	if r.Emergency {
		emergency = "1"
	}
	buf := make([]byte, 0, 1024)
	for _, field := range [...]string{
		strconv.Itoa(r.HashFormat), strconv.FormatInt(r.ID, 10), r.PrevHash, r.At, r.Event, r.Outcome,
		r.Reason, r.UserUZI, r.UserName, r.UserRole, r.UserAGB, r.UserURA, r.UserOrg, r.OnBehalfOf,
		r.PatientBSN, r.PatientNumber, r.ObjectCategory, r.ObjectIDs, r.Basis, emergency, r.ClientIP,
		r.CertFingerprint, r.RequestID, r.Detail,
	} {
		buf = strconv.AppendInt(buf, int64(len(field)), 10)
		buf = append(buf, ':')
		buf = append(buf, field...)
		buf = append(buf, ',')
	}
	sum = sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}
