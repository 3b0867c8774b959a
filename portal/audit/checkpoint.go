package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"zorgverlenersportaal/portal/store"
)

// A hash chain kept in the same database as the log cannot show that its newest records were cut off,
// or that a range was rewritten and the chain computed again from there: whoever can write the file can
// also move the head and drop the guard triggers. A checkpoint is a witness outside the database: the
// log's head (how many records, the last id and its hash, the time) signed with a key the database never
// holds, appended to a file (and the server log) that the hospital ships elsewhere. Verification with the
// checkpoints then proves that every head ever witnessed is still in the log, unchanged.

// CheckpointVersion is the format of a checkpoint line; it is part of what the signature covers.
const CheckpointVersion = 1

// Checkpoint is one witnessed head of the access log, as one JSON line of the checkpoint file.
type Checkpoint struct {
	Version int `json:"v"`
	// At is when the head was read (UTC, the log's time layout).
	At string `json:"at"`
	// Count is how many records the log has ever held up to the head: those present plus those purged.
	Count int64 `json:"count"`
	// LastID and LastHash are the head: the newest record and its hash.
	LastID   int64  `json:"last_id"`
	LastHash string `json:"last_hash"`
	// KeyID is the first 16 hex digits of the SHA-256 of the public key, so that a line signed with
	// another key is named as such.
	KeyID string `json:"key_id"`
	// Signature is the Ed25519 signature over SignedText, base64.
	Signature string `json:"sig"`
}

// SignedText is exactly what the signature covers: every field but the signature itself, in a fixed
// text form that does not depend on how JSON is written.
func (c Checkpoint) SignedText() []byte {
	return fmt.Appendf(nil, "zorgverlenersportaal access log checkpoint\nv=%d\nat=%s\ncount=%d\nlast_id=%d\nlast_hash=%s\nkey_id=%s\n",
		c.Version, c.At, c.Count, c.LastID, c.LastHash, c.KeyID)
}

// KeyID names a checkpoint public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// LoadOrCreateCheckpointKey reads the checkpoint signing key (PKCS #8 PEM) or, on first run, generates one
// and writes it with its public key (PKIX PEM) beside it. Neither ever goes into the database: the
// private key must stay where someone who can write the database cannot read it, and the public key is
// what verification needs (keep a copy of it outside the portal's machine too).
func LoadOrCreateCheckpointKey(keyPath, publicPath string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(keyPath)
	if errors.Is(err, os.ErrNotExist) {
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, fmt.Errorf("audit: generate checkpoint key: %w", gerr)
		}
		der, merr := x509.MarshalPKCS8PrivateKey(priv)
		if merr != nil {
			return nil, fmt.Errorf("audit: checkpoint key: %w", merr)
		}
		if err := writeNewFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, fmt.Errorf("audit: checkpoint key (audit.checkpoint_key_file): %w", err)
		}
		data, err = os.ReadFile(keyPath)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key (audit.checkpoint_key_file): %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("audit: checkpoint key %s: not a PEM private key", keyPath)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint key %s: %w", keyPath, err)
	}
	priv, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("audit: checkpoint key %s: not an Ed25519 key", keyPath)
	}
	pub := priv.Public().(ed25519.PublicKey)
	if existing, err := LoadCheckpointPublicKey(publicPath); err == nil {
		if !existing.Equal(pub) {
			return nil, fmt.Errorf("audit: checkpoint public key %s does not belong to the signing key %s", publicPath, keyPath)
		}
		return priv, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint public key: %w", err)
	}
	if err := writeNewFile(publicPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil {
		return nil, fmt.Errorf("audit: checkpoint public key (audit.checkpoint_public_key_file): %w", err)
	}
	return priv, nil
}

// LoadCheckpointPublicKey reads a checkpoint public key (PKIX PEM), the one verification trusts.
func LoadCheckpointPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint public key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("audit: checkpoint public key %s: not a PEM public key", path)
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint public key %s: %w", path, err)
	}
	pub, ok := parsed.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("audit: checkpoint public key %s: not an Ed25519 key", path)
	}
	return pub, nil
}

// writeNewFile writes a file that must not exist yet, making its folder (private) when needed.
func writeNewFile(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Checkpointer writes checkpoints of one log: by `audit checkpoint`, and in the running portal on an
// interval and at shutdown.
type Checkpointer struct {
	Store *store.Store
	Key   ed25519.PrivateKey
	// File is the checkpoint file; each checkpoint is appended as one JSON line.
	File string
	// Logger, when set, receives each checkpoint too (the server log is a second place outside the
	// database).
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	last Checkpoint
}

// Write reads the log's head, signs it and appends it to the file (synced to disk before it returns)
// and to the server log.
func (c *Checkpointer) Write(ctx context.Context) (Checkpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	state, err := c.Store.AccessLogState(ctx)
	if err != nil {
		return Checkpoint{}, err
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	cp := Checkpoint{
		Version:  CheckpointVersion,
		At:       now().UTC().Format(TimeLayout),
		Count:    state.HeadID - state.AnchorID + state.PurgedCount,
		LastID:   state.HeadID,
		LastHash: state.HeadHash,
		KeyID:    KeyID(c.Key.Public().(ed25519.PublicKey)),
	}
	cp.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(c.Key, cp.SignedText()))
	line, err := json.Marshal(cp)
	if err != nil {
		return Checkpoint{}, err
	}
	if err := appendLine(c.File, append(line, '\n')); err != nil {
		return Checkpoint{}, fmt.Errorf("audit: checkpoint file (audit.checkpoint_file): %w", err)
	}
	if c.Logger != nil {
		c.Logger.Info("access log checkpoint", "count", cp.Count, "last_id", cp.LastID, "last_hash", cp.LastHash,
			"at", cp.At, "key_id", cp.KeyID, "sig", cp.Signature)
	}
	c.last = cp
	return cp, nil
}

// Run writes a checkpoint every interval while the head moves (an unchanged head is not witnessed again)
// until ctx ends. The portal writes the last one itself at shutdown, after the log's final records.
func (c *Checkpointer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := c.WriteIfMoved(ctx); err != nil && ctx.Err() == nil && c.Logger != nil {
				c.Logger.Error("access log checkpoint failed", "err", err)
			}
		}
	}
}

// WriteIfMoved writes a checkpoint unless the head is the one witnessed last; it reports whether it wrote.
func (c *Checkpointer) WriteIfMoved(ctx context.Context) (bool, error) {
	state, err := c.Store.AccessLogState(ctx)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	same := c.last.LastID == state.HeadID && c.last.LastHash == state.HeadHash && c.last.Version != 0
	c.mu.Unlock()
	if same {
		return false, nil
	}
	_, err = c.Write(ctx)
	return err == nil, err
}

// appendLine appends one line in a single write to a file opened for appending, and syncs it: two
// writers (the portal and `audit checkpoint`) never interleave within a line.
func appendLine(path string, line []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CheckpointProblem says what is wrong with one checkpoint, or with the log against it.
type CheckpointProblem string

// The checkpoint problems.
const (
	// CheckpointMalformed: the line is not a checkpoint.
	CheckpointMalformed CheckpointProblem = "malformed"
	// CheckpointUnknownKey: signed with another key than the one verification trusts.
	CheckpointUnknownKey CheckpointProblem = "unknown_key"
	// CheckpointForged: the signature does not verify: the line was changed or made up.
	CheckpointForged CheckpointProblem = "forged"
	// CheckpointCut: the checkpointed record is no longer in the log: its tail was cut off.
	CheckpointCut CheckpointProblem = "cut"
	// CheckpointRewritten: the checkpointed record is there with another hash: the log was rewritten.
	CheckpointRewritten CheckpointProblem = "rewritten"
	// CheckpointCountLower: the log holds fewer records than it did at the checkpoint.
	CheckpointCountLower CheckpointProblem = "count_lower"
)

// CheckpointFinding is one problem, with the line of the checkpoint file it concerns.
type CheckpointFinding struct {
	Line    int
	Problem CheckpointProblem
	Detail  string
}

// CheckpointReport is the outcome of checking a log against its checkpoint file.
type CheckpointReport struct {
	// Lines is the number of non-empty lines read; Checked the signed checkpoints compared with the log;
	// Purged those whose record has since been purged legitimately (below the retention anchor), which
	// only their count can be compared for.
	Lines, Checked, Purged int
	// Newest is the newest valid checkpoint (zero when there was none).
	Newest   Checkpoint
	Findings []CheckpointFinding
}

// ErrCheckpointMismatch means the log or the checkpoint file does not hold up: the report's findings say
// where.
var ErrCheckpointMismatch = errors.New("the access log does not match its checkpoints")

// VerifyCheckpoints proves that the log still contains every checkpointed head: for each line with a
// valid signature by pub, the record with its last id has its hash and the log's count is not lower.
// A cut tail is named with the records that are gone, a rewritten range with the last checkpoint that
// still matched before it. Lines that are malformed or not validly signed are findings too: a forged
// checkpoint must not pass for a witness. The error is ErrCheckpointMismatch when there is any finding.
func VerifyCheckpoints(ctx context.Context, st *store.Store, r io.Reader, pub ed25519.PublicKey) (CheckpointReport, error) {
	var rep CheckpointReport
	keyID := KeyID(pub)
	type signed struct {
		line int
		cp   Checkpoint
	}
	var valid []signed
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Bytes()
		if len(text) == 0 {
			continue
		}
		rep.Lines++
		var cp Checkpoint
		if err := json.Unmarshal(text, &cp); err != nil || cp.Version != CheckpointVersion || cp.Signature == "" {
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: n, Problem: CheckpointMalformed, Detail: "not a checkpoint line"})
			continue
		}
		if cp.KeyID != keyID {
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: n, Problem: CheckpointUnknownKey,
				Detail: fmt.Sprintf("signed with key %s, not with the trusted key %s", cp.KeyID, keyID)})
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(cp.Signature)
		if err != nil || !ed25519.Verify(pub, cp.SignedText(), sig) {
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: n, Problem: CheckpointForged,
				Detail: fmt.Sprintf("the signature of the checkpoint of %s (record %d) does not verify: the line was changed or forged", cp.At, cp.LastID)})
			continue
		}
		valid = append(valid, signed{n, cp})
	}
	if err := sc.Err(); err != nil {
		return rep, fmt.Errorf("audit: read checkpoints: %w", err)
	}
	state, err := st.AccessLogState(ctx)
	if err != nil {
		return rep, err
	}
	count := state.HeadID - state.AnchorID + state.PurgedCount
	sort.SliceStable(valid, func(i, j int) bool { return valid[i].cp.LastID < valid[j].cp.LastID })
	var intact *signed // the newest checkpoint that still matches
	for i := range valid {
		v := &valid[i]
		cp := v.cp
		// At has millisecond precision, so two checkpoints can share it; valid is in head order, so on a
		// tie the later head is the newer.
		if cp.At >= rep.Newest.At {
			rep.Newest = cp
		}
		if cp.Count > count {
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: v.line, Problem: CheckpointCountLower,
				Detail: fmt.Sprintf("the log held %d records at %s and holds %d now", cp.Count, cp.At, count)})
		}
		if cp.LastID == 0 {
			rep.Checked++
			continue // the empty log: nothing to find
		}
		if cp.LastID <= state.AnchorID {
			rep.Purged++
			continue
		}
		recs, err := st.AccessRecordsAfter(ctx, cp.LastID-1, 1)
		if err != nil {
			return rep, err
		}
		rep.Checked++
		after := "the start of the log"
		if intact != nil {
			after = fmt.Sprintf("record %d, which still matches the checkpoint of %s", intact.cp.LastID, intact.cp.At)
		}
		switch {
		case len(recs) == 0 || recs[0].ID != cp.LastID:
			newest := state.HeadID
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: v.line, Problem: CheckpointCut,
				Detail: fmt.Sprintf("record %d, the head at %s, is gone: the log now ends at record %d, so records %d to %d were cut off", cp.LastID, cp.At, newest, newest+1, cp.LastID)})
		case recs[0].Hash != cp.LastHash:
			rep.Findings = append(rep.Findings, CheckpointFinding{Line: v.line, Problem: CheckpointRewritten,
				Detail: fmt.Sprintf("record %d no longer has the hash it had at %s: records after %s up to record %d were rewritten", cp.LastID, cp.At, after, cp.LastID)})
		default:
			intact = v
		}
	}
	if len(rep.Findings) > 0 {
		sort.SliceStable(rep.Findings, func(i, j int) bool { return rep.Findings[i].Line < rep.Findings[j].Line })
		return rep, ErrCheckpointMismatch
	}
	return rep, nil
}

// String reads "line 3 (cut): ...".
func (f CheckpointFinding) String() string {
	return "line " + strconv.Itoa(f.Line) + " (" + string(f.Problem) + "): " + f.Detail
}
