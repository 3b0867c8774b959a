package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"zorgverlenersportaal/portal/access"
	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/portal/store"
)

// Sentinel errors of the import. A Result's Err wraps one of them with the details.
var (
	// ErrMalformed means the file is not a FHIR Bundle: not JSON, truncated JSON, or another resource.
	ErrMalformed = errors.New("not a FHIR R4 JSON Bundle")
	// ErrUnsupportedBundle means a Bundle of a type the portal does not import (document, message, history).
	ErrUnsupportedBundle = errors.New("bundle type not supported")
	// ErrBrokenReference means a required reference resolves nowhere: not in the bundle, not imported before.
	ErrBrokenReference = errors.New("broken reference")
	// ErrUnreadable means the file could not be read at all.
	ErrUnreadable = errors.New("file cannot be read")
	// ErrStore means the database refused the bundle; nothing of it was written.
	ErrStore = errors.New("database error")
)

// Importer imports FHIR R4 Bundles into the portal's store, one transaction per bundle.
type Importer struct {
	// Store receives the data.
	Store *store.Store
	// Log receives one access-log record per imported file (event import).
	Log *audit.Log
	// SyntheticBSN gives patients without a BSN a deterministic test BSN (9999xxxxx) instead of rejecting
	// them; for sample data only.
	SyntheticBSN bool
	// User is who runs the import, for the access log.
	User audit.User
	// Logger is the server log; a synthetic test patient renumbered for a real one is written there as
	// well as to the access log. Nil logs nothing there.
	Logger *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// RelationshipValidity is how long a relationship of a kind lasts when its source gives no end. Kinds
	// not listed (registered GP, pharmacy of record) are open-ended until changed.
	RelationshipValidity map[access.RelationshipKind]time.Duration
}

// NewImporter returns an importer over the store that logs to log, with the real clock and the access
// rules' default relationship lifetimes (the import command passes the configured ones).
func NewImporter(st *store.Store, log *audit.Log) *Importer {
	return &Importer{
		Store:                st,
		Log:                  log,
		User:                 audit.User{Name: "FHIR import"},
		Now:                  time.Now,
		RelationshipValidity: access.DefaultPolicy().Lifetimes,
	}
}

// Count is what happened to the resources of one type in one bundle.
type Count struct {
	Imported int `json:"imported"`
	Updated  int `json:"updated"`
	Skipped  int `json:"skipped"`
	Rejected int `json:"rejected"`
}

// Rejection names a resource that was not imported and why.
type Rejection struct {
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
}

// Result is the outcome of importing one file (one Bundle).
type Result struct {
	// Source is the file name (or the name given to ImportBytes).
	Source string
	// BundleType is the Bundle's type (collection, transaction, batch, searchset).
	BundleType string
	// Entries is the number of entries in the bundle.
	Entries int
	// Counts per resource type: imported, updated, skipped, rejected.
	Counts map[string]*Count
	// Rejected lists every resource that was not imported, with its reason.
	Rejected []Rejection
	// Skipped counts the resources skipped on purpose, by reason (types the portal does not show).
	Skipped map[string]int
	// Renumbered lists the synthetic test patients that gave their BSN up to a real patient.
	Renumbered []Renumbering
	// Err is set when the whole bundle was rejected (malformed, unsupported, broken reference, database):
	// then nothing of it was written.
	Err error
	// patients are the patients the bundle touched, for the access-log record.
	patients []patientKey
}

type patientKey struct{ bsn, number string }

// Total sums the counts over all resource types.
func (r *Result) Total() Count {
	var t Count
	for _, c := range r.Counts {
		t.Imported += c.Imported
		t.Updated += c.Updated
		t.Skipped += c.Skipped
		t.Rejected += c.Rejected
	}
	return t
}

func (r *Result) count(typ string) *Count {
	if r.Counts == nil {
		r.Counts = map[string]*Count{}
	}
	c, ok := r.Counts[typ]
	if !ok {
		c = &Count{}
		r.Counts[typ] = c
	}
	return c
}

// ImportPaths imports files and directories in order. A directory contributes its *.json files in name
// order, bundles without a Patient first (organisation and practitioner bundles that patient bundles point
// at). One Result per file; the error is only for a path that cannot be read at all.
//
// A synthetic test BSN is never drawn from the BSNs that any file of the run brings, so that a test patient
// in the first file does not take the number of a real patient in the last.
func (im *Importer) ImportPaths(ctx context.Context, paths []string) ([]Result, error) {
	type loaded struct {
		name    string
		data    []byte
		patient bool
		err     error
	}
	var results []Result
	var files []loaded
	reserved := map[string]bool{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return results, fmt.Errorf("import %s: %w", p, err)
		}
		if !info.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				err = fmt.Errorf("%w: %w", ErrUnreadable, err)
			}
			files = append(files, loaded{name: p, data: data, err: err})
			reserveBSNs(reserved, data)
			continue
		}
		names, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return results, fmt.Errorf("import %s: %w", p, err)
		}
		sort.Strings(names)
		var folder []loaded
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				return results, fmt.Errorf("import %s: %w", name, err)
			}
			folder = append(folder, loaded{name: name, data: data, patient: mentionsPatient(data)})
			reserveBSNs(reserved, data)
		}
		sort.SliceStable(folder, func(i, j int) bool { return !folder[i].patient && folder[j].patient })
		files = append(files, folder...)
	}
	for _, f := range files {
		if f.err != nil {
			res := Result{Source: f.name, Err: f.err}
			im.log(ctx, &res)
			results = append(results, res)
			continue
		}
		results = append(results, im.importBytes(ctx, f.name, f.data, reserved))
	}
	return results, nil
}

// mentionsPatient reports whether a bundle seems to hold a Patient. It only orders the files of a folder,
// so a quick look at the bytes is enough (a malformed file is rejected in its turn anyway).
func mentionsPatient(data []byte) bool {
	return patientType.Match(data)
}

var patientType = regexp.MustCompile(`"resourceType"\s*:\s*"Patient"`)

// ImportFile imports one file holding one Bundle.
func (im *Importer) ImportFile(ctx context.Context, path string) Result {
	data, err := os.ReadFile(path)
	if err != nil {
		res := Result{Source: path, Err: fmt.Errorf("%w: %w", ErrUnreadable, err)}
		im.log(ctx, &res)
		return res
	}
	return im.ImportBytes(ctx, path, data)
}

// ImportBytes imports one Bundle given as JSON; name says where it came from in the result and the log.
func (im *Importer) ImportBytes(ctx context.Context, name string, data []byte) Result {
	return im.importBytes(ctx, name, data, nil)
}

// importBytes imports one Bundle; reserved are BSNs that other files of the same run bring.
func (im *Importer) importBytes(ctx context.Context, name string, data []byte, reserved map[string]bool) Result {
	res := Result{Source: name}
	b, err := parseBundle(data)
	if err != nil {
		res.Err = err
		im.log(ctx, &res)
		return res
	}
	res.BundleType = b.Type
	res.Entries = len(b.Entry)
	im.importBundle(ctx, b, &res, reserved)
	im.log(ctx, &res)
	return res
}

// ImportBundle imports a Bundle that is already decoded (the demo data generator's output).
func (im *Importer) ImportBundle(ctx context.Context, name string, b *Bundle) Result {
	res := Result{Source: name, BundleType: b.Type, Entries: len(b.Entry)}
	if err := checkBundle(b); err != nil {
		res.Err = err
	} else {
		im.importBundle(ctx, b, &res, nil)
	}
	im.log(ctx, &res)
	return res
}

// parseBundle decodes a file into a Bundle and checks that it is one the portal imports.
func parseBundle(data []byte) (*Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: invalid JSON at byte %d: %v", ErrMalformed, se.Offset, se)
		}
		if strings.Contains(err.Error(), "unexpected end of JSON input") {
			return nil, fmt.Errorf("%w: the JSON ends too early (truncated file?)", ErrMalformed)
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := checkBundle(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

func checkBundle(b *Bundle) error {
	if b.ResourceType != "Bundle" {
		if b.ResourceType == "" {
			return fmt.Errorf("%w: no resourceType", ErrMalformed)
		}
		return fmt.Errorf("%w: it is a %s", ErrMalformed, b.ResourceType)
	}
	switch b.Type {
	case "collection", "transaction", "batch", "searchset":
		return nil
	case "":
		return fmt.Errorf("%w: the Bundle has no type", ErrMalformed)
	default:
		return fmt.Errorf("%w: %q (the portal imports collection, transaction, batch and searchset bundles)", ErrUnsupportedBundle, b.Type)
	}
}

// importBundle writes one bundle in one transaction. When the bundle is rejected whole, the counts are
// cleared: nothing was written.
func (im *Importer) importBundle(ctx context.Context, b *Bundle, res *Result, reserved map[string]bool) {
	now := im.now()
	err := im.Store.Import(ctx, now, func(tx *store.ImportTx) error {
		r, err := newRun(im, tx, b, res, now, reserved)
		if err != nil {
			return err
		}
		return r.importAll()
	})
	if err != nil {
		res.Counts, res.Rejected, res.Skipped, res.Renumbered, res.patients = nil, nil, nil, nil, nil
		switch {
		case errors.Is(err, ErrBrokenReference), errors.Is(err, ErrMalformed):
			res.Err = err
		default:
			res.Err = fmt.Errorf("%w: %w", ErrStore, err)
		}
	}
}

func (im *Importer) now() time.Time {
	if im.Now == nil {
		return time.Now().UTC()
	}
	return im.Now().UTC()
}

// log writes the access-log record of one imported file: outcome, reason and the counts.
func (im *Importer) log(ctx context.Context, res *Result) {
	if im.Log == nil {
		return
	}
	rec := audit.Record{Event: audit.EventImport, Outcome: audit.Success, User: im.User}
	total := res.Total()
	switch {
	case res.Err != nil && errors.Is(res.Err, ErrStore):
		rec.Outcome, rec.Reason = audit.Failure, res.Err.Error()
	case res.Err != nil:
		rec.Outcome, rec.Reason = audit.Refused, res.Err.Error()
	case total.Rejected > 0:
		rec.Reason = fmt.Sprintf("%d resources rejected", total.Rejected)
	}
	if len(res.patients) == 1 {
		rec.PatientBSN, rec.PatientNumber = res.patients[0].bsn, res.patients[0].number
	}
	detail := struct {
		File     string            `json:"file"`
		Bundle   string            `json:"bundle,omitempty"`
		Entries  int               `json:"entries"`
		Patients int               `json:"patients"`
		Total    Count             `json:"total"`
		Counts   map[string]*Count `json:"counts,omitempty"`
	}{filepath.Base(res.Source), res.BundleType, res.Entries, len(res.patients), total, res.Counts}
	data, _ := json.Marshal(detail)
	rec.Detail = string(data)
	if err := im.Log.Append(ctx, rec); err != nil && res.Err == nil {
		res.Err = fmt.Errorf("the bundle was imported but its access-log record could not be written: %w", err)
	}
	im.logRenumberings(ctx, res)
}

// logRenumberings writes one access-log record (and one server-log line) per synthetic test patient that
// gave its BSN up to a real patient: the test patient's number changed, and whoever reads the log of
// either number must be able to tell.
func (im *Importer) logRenumberings(ctx context.Context, res *Result) {
	for _, rn := range res.Renumbered {
		reason := renumberReason(rn)
		if im.Logger != nil {
			im.Logger.Warn("synthetic BSN renumbered", "file", filepath.Base(res.Source), "patient_number", rn.PatientNumber,
				"resource", rn.Resource, "old_bsn", rn.OldBSN, "new_bsn", rn.NewBSN, "real_patient", rn.For)
		}
		if im.Log == nil {
			continue
		}
		detail, _ := json.Marshal(rn)
		rec := audit.Record{
			Event: audit.EventImport, Outcome: audit.Success, User: im.User, Reason: reason,
			PatientBSN: rn.NewBSN, PatientNumber: rn.PatientNumber, Detail: string(detail),
		}
		if err := im.Log.Append(ctx, rec); err != nil && res.Err == nil {
			res.Err = fmt.Errorf("the bundle was imported but the access-log record of a renumbered test patient could not be written: %w", err)
		}
	}
}
