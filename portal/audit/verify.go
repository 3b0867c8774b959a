package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zorgverlenersportaal/portal/store"
)

// ErrChainBroken means verification found a changed, forged or missing record; the error is a
// *ChainError that names the record.
var ErrChainBroken = errors.New("access log chain broken")

// Problem says what verification found wrong with a record.
type Problem string

// The problems verification names.
const (
	// ProblemMissing: the record with this id is not there (a gap in the ids).
	ProblemMissing Problem = "missing"
	// ProblemPrevHash: the record's previous hash is not the hash of the record before it (or of the
	// retention anchor): the record before was changed and re-hashed, or this one was forged.
	ProblemPrevHash Problem = "prev_hash"
	// ProblemHash: the record's content does not give its hash: it was changed or forged.
	ProblemHash Problem = "hash"
	// ProblemFormat: the record claims a hash format that does not exist, or an older one than the
	// record before it.
	ProblemFormat Problem = "format"
	// ProblemTruncated: records are missing at the end, below the head the database keeps.
	ProblemTruncated Problem = "truncated"
	// ProblemHead: the newest record does not match the head the database keeps.
	ProblemHead Problem = "head"
	// ProblemPurged: a record at or below the retention anchor is still there.
	ProblemPurged Problem = "purged"
	// ProblemAnchor: the retention anchor is not backed by the purge record that moved it, or it lies
	// inside the retention period.
	ProblemAnchor Problem = "anchor"
)

// ChainError names the first record at which the chain is broken and what is wrong with it.
type ChainError struct {
	ID      int64
	Problem Problem
	Detail  string
}

// Error reads "record 42: hash: ...".
func (e *ChainError) Error() string {
	return fmt.Sprintf("record %d: %s: %s", e.ID, e.Problem, e.Detail)
}

// Unwrap lets callers test for ErrChainBroken.
func (e *ChainError) Unwrap() error { return ErrChainBroken }

// VerifyResult describes an intact log: how many records were checked and where the chain starts (the
// retention anchor) and ends (the head), so that an operator can note the head outside the database and
// later prove that nothing was cut off the end.
type VerifyResult struct {
	Records     int64
	Anchor      store.ChainPoint
	AnchorAt    string
	PurgedCount int64
	Head        store.ChainPoint
}

// VerifyOptions adjust verification.
type VerifyOptions struct {
	// RetentionCutoff, when set, is the oldest time records must be kept from: an anchor younger than it
	// means records were purged too early.
	RetentionCutoff time.Time
}

// verifyPage is how many records verification reads per query.
const verifyPage = 2000

// Verify walks the whole log from the retention anchor to the head and returns the first problem as a
// *ChainError; with the chain intact, it checks that the guard triggers are in place (a *GuardError
// otherwise). It reads through the read pool, page by page, and stops at the head it read first, so that
// it can run beside a live portal.
func Verify(ctx context.Context, st *store.Store, opts VerifyOptions) (VerifyResult, error) {
	state, err := st.AccessLogState(ctx)
	if err != nil {
		return VerifyResult{}, err
	}
	res := VerifyResult{
		Anchor:      store.ChainPoint{ID: state.AnchorID, Hash: state.AnchorHash},
		AnchorAt:    state.AnchorAt,
		PurgedCount: state.PurgedCount,
		Head:        store.ChainPoint{ID: state.HeadID, Hash: state.HeadHash},
	}
	broken := func(id int64, p Problem, format string, args ...any) (VerifyResult, error) {
		return res, &ChainError{ID: id, Problem: p, Detail: fmt.Sprintf(format, args...)}
	}
	expect, prev, prevFormat := state.AnchorID+1, state.AnchorHash, 1
	var lastPurge store.AccessRecord // the newest purge record seen; ID 0 while none
	var after int64
walk:
	for {
		recs, err := st.AccessRecordsAfter(ctx, after, verifyPage)
		if err != nil {
			return res, err
		}
		if len(recs) == 0 {
			break
		}
		for i := range recs {
			r := &recs[i]
			after = r.ID
			if r.ID > state.HeadID {
				break walk // written after verification began
			}
			if r.ID <= state.AnchorID {
				return broken(r.ID, ProblemPurged, "record %d lies at or below the retention anchor (record %d) and should have been purged", r.ID, state.AnchorID)
			}
			if r.ID != expect {
				return broken(expect, ProblemMissing, "record %d is missing: after %s comes record %d", expect, describePrev(expect-1, state.AnchorID), r.ID)
			}
			if r.PrevHash != prev {
				if r.ID == state.AnchorID+1 && state.AnchorID > 0 {
					return broken(r.ID, ProblemPrevHash, "its previous hash does not match the retention anchor (record %d): the anchor or this record was changed", state.AnchorID)
				}
				return broken(r.ID, ProblemPrevHash, "its previous hash does not match record %d: record %d was changed and re-hashed, or record %d was forged", r.ID-1, r.ID-1, r.ID)
			}
			if (r.HashFormat != 1 && r.HashFormat != HashFormat) || r.HashFormat < prevFormat {
				return broken(r.ID, ProblemFormat, "hash format %d after format %d", r.HashFormat, prevFormat)
			}
			if Hash(*r) != r.Hash {
				return broken(r.ID, ProblemHash, "its content does not match its hash: the record was changed or forged")
			}
			if r.Event == string(EventAdminAction) && r.Reason == ActionPurge {
				lastPurge = *r
			}
			prev, prevFormat = r.Hash, r.HashFormat
			expect++
			res.Records++
		}
	}
	if expect <= state.HeadID {
		return broken(expect, ProblemTruncated, "records %d to %d are missing at the end of the log (its head is record %d)", expect, state.HeadID, state.HeadID)
	}
	if prev != state.HeadHash {
		return broken(state.HeadID, ProblemHead, "the newest record's hash does not match the head of the log")
	}
	if state.AnchorID > 0 {
		if lastPurge.ID == 0 {
			return broken(state.AnchorID, ProblemAnchor, "records up to %d were removed, but no purge record says so", state.AnchorID)
		}
		id, hash := purgeAnchorOf(lastPurge)
		if id != state.AnchorID || hash != state.AnchorHash {
			return broken(state.AnchorID, ProblemAnchor, "the retention anchor (record %d) is not the one purge record %d set (record %d)", state.AnchorID, lastPurge.ID, id)
		}
		if !opts.RetentionCutoff.IsZero() && state.AnchorAt >= opts.RetentionCutoff.UTC().Format(TimeLayout) {
			return broken(state.AnchorID, ProblemAnchor, "records up to %s were purged, inside the retention period (records from %s must be kept)", state.AnchorAt, opts.RetentionCutoff.UTC().Format(time.DateOnly))
		}
	}
	// An intact chain without its guards proves less: whoever dropped them can cut or rewrite the log
	// and compute the chain again. The checkpoints (VerifyCheckpoints) catch that; this says it happened.
	if err := CheckGuards(ctx, st); err != nil {
		return res, err
	}
	return res, nil
}

func describePrev(id, anchor int64) string {
	if id == anchor && anchor > 0 {
		return fmt.Sprintf("the retention anchor (record %d)", id)
	}
	if id == 0 {
		return "the start of the log"
	}
	return fmt.Sprintf("record %d", id)
}

// ActionPurge is the admin action of a purge; its record's detail says where the anchor went.
const ActionPurge = "purge_access_log"

// purgeDetail writes the purge record's detail, which verification reads back with purgeAnchorOf.
func purgeDetail(res store.PurgeResult, before time.Time) string {
	return fmt.Sprintf("anchor=%d hash=%s anchor_at=%s purged=%d before=%s",
		res.Anchor.ID, res.Anchor.Hash, res.AnchorAt, res.Purged, before.UTC().Format(TimeLayout))
}

func purgeAnchorOf(r store.AccessRecord) (int64, string) {
	var id int64
	var hash string
	for field := range strings.FieldsSeq(r.Detail) {
		key, value, _ := strings.Cut(field, "=")
		switch key {
		case "anchor":
			id, _ = strconv.ParseInt(value, 10, 64)
		case "hash":
			hash = value
		}
	}
	return id, hash
}
