package agb

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// The columns of the register import file. The names follow the field
// names of the Vektis AGB register (agbcode, begindatum, einddatum, ...) so
// that a Vektis extract maps onto them column by column, and the JSON feed
// uses the same names.
const (
	ColRecordtype     = "recordtype"
	ColAGBCode        = "agbcode"
	ColBegindatum     = "begindatum"
	ColEinddatum      = "einddatum"
	ColStatus         = "status"
	ColAchternaam     = "achternaam"
	ColVoorvoegsel    = "voorvoegsel"
	ColVoorletters    = "voorletters"
	ColVoornaam       = "voornaam"
	ColNaam           = "naam"
	ColKwalificatie   = "kwalificatie"
	ColRelatieAGBCode = "relatie_agbcode"
	ColRelatiesoort   = "relatiesoort"
	ColRol            = "rol"
)

// The record types of the import file: three kinds of registration and the
// two kinds of row that hang off a registration.
const (
	RecordZorgverlener = "ZV"
	RecordOnderneming  = "OND"
	RecordVestiging    = "VES"
	RecordKwalificatie = "KWAL"
	RecordRelatie      = "REL"
)

// RegisterCSVColumns returns the header of the import file in the documented
// order; apart from recordtype, which must come first, the order is a
// convention for people and the parser accepts any order.
func RegisterCSVColumns() []string {
	return []string{
		ColRecordtype, ColAGBCode, ColBegindatum, ColEinddatum, ColStatus,
		ColAchternaam, ColVoorvoegsel, ColVoorletters, ColVoornaam, ColNaam,
		ColKwalificatie, ColRelatieAGBCode, ColRelatiesoort, ColRol,
	}
}

// recordColumns says, per record type, which columns must be filled and
// which may be; every other column must be empty, which catches values that
// slid into the wrong column while editing.
var recordColumns = map[string]struct{ required, optional []string }{
	RecordZorgverlener: {
		required: []string{ColAGBCode, ColBegindatum, ColStatus, ColAchternaam},
		optional: []string{ColEinddatum, ColVoorvoegsel, ColVoorletters, ColVoornaam},
	},
	RecordOnderneming: {
		required: []string{ColAGBCode, ColBegindatum, ColStatus, ColNaam},
		optional: []string{ColEinddatum},
	},
	RecordVestiging: {
		required: []string{ColAGBCode, ColBegindatum, ColStatus, ColNaam},
		optional: []string{ColEinddatum},
	},
	RecordKwalificatie: {
		required: []string{ColAGBCode, ColKwalificatie, ColBegindatum},
		optional: []string{ColEinddatum},
	},
	RecordRelatie: {
		required: []string{ColAGBCode, ColRelatieAGBCode, ColRelatiesoort, ColBegindatum},
		optional: []string{ColEinddatum, ColRol},
	},
}

var recordKinds = map[string]Kind{
	RecordZorgverlener: KindZorgverlener,
	RecordOnderneming:  KindOnderneming,
	RecordVestiging:    KindVestiging,
}

// LineError is one problem on one line of the import file. Line is the
// 1-based line number in the file as an editor shows it, Column the header
// name of the offending cell (empty when the whole line is wrong), and Reason
// says precisely what is wrong and, where it helps, what to write instead.
type LineError struct {
	Line   int
	Column string
	Reason string
}

// Error returns "line N: column: reason".
func (e LineError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Reason)
}

// ErrInvalidRegisterFile is returned (wrapped) when the file as a whole
// cannot be read: no header, a wrong header, invalid CSV that cannot be
// resynchronised, or a read error.
var ErrInvalidRegisterFile = errors.New("agb: invalid register file")

// ParseRegisterCSV reads the hospital's AGB register import file.
//
// Layout (documented for the people who prepare the file):
//
//   - UTF-8 text (a byte-order mark is allowed, as spreadsheet programs
//     write one), fields separated by semicolons, as Dutch spreadsheets do.
//   - The first non-comment line is the header with the column names of
//     RegisterCSVColumns, each exactly once; recordtype comes first, the
//     others may be in any order (names are case-insensitive).
//   - Lines starting with # are comments; empty lines are ignored.
//   - One record per line; recordtype says which: ZV (zorgverlener), OND
//     (onderneming), VES (vestiging), KWAL (a kwalificatie of the
//     registration in agbcode), REL (a relation from agbcode to
//     relatie_agbcode). KWAL and REL rows may appear anywhere in the file.
//   - Dates are YYYY-MM-DD; an empty einddatum means open-ended. Periods
//     are inclusive: einddatum is the last valid day, and may equal
//     begindatum but not precede it.
//   - status is actief or beeindigd; relatiesoort is werkzaam-bij,
//     arbeidsrelatie, vestiging-van or verbonden-met.
//   - Cells are trimmed of surrounding spaces. A cell that does not belong
//     to the record type must be empty.
//
// Every line is checked (codes, zorgsoort against kind, dates, periods,
// required and forbidden cells, duplicates, KWAL/REL rows for a code that has
// no registration in the file, relation kinds against the kinds of both
// ends) and every bad line is returned with its line number and reason.
//
// The import is all-or-nothing: when any line is bad, no registrations are
// returned, so that a half-valid file can never half-update the register.
// The error result is only for a file that cannot be read as a whole.
// ParseRegisterCSV never panics, whatever the input.
func ParseRegisterCSV(r io.Reader) ([]Registration, []LineError, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = ';'
	cr.Comment = '#'
	cr.FieldsPerRecord = -1

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%w: the file is empty; the first line must be the header %s",
			ErrInvalidRegisterFile, strings.Join(RegisterCSVColumns(), ";"))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: header: %w", ErrInvalidRegisterFile, err)
	}
	headerLine, _ := cr.FieldPos(0)
	index, err := parseHeader(header)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: line %d: %w", ErrInvalidRegisterFile, headerLine, err)
	}

	names := make([]string, len(header))
	for name, i := range index {
		names[i] = name
	}
	p := &csvParser{index: index, names: names, width: len(header)}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.fail(pe.StartLine, "", fmt.Sprintf("CSV syntax error at line %d, character %d: %v "+
				"(a cell containing ; or \" must be quoted, with \" written as \"\")", pe.Line, pe.Column, pe.Err))
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRegisterFile, err)
		}
		line, _ := cr.FieldPos(0)
		p.row(line, rec)
	}
	p.link()
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs, nil
	}
	return p.registrations(), nil, nil
}

func parseHeader(header []string) (map[string]int, error) {
	known := make(map[string]bool)
	for _, c := range RegisterCSVColumns() {
		known[c] = true
	}
	index := make(map[string]int, len(header))
	var problems []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !utf8.ValidString(name):
			problems = append(problems, fmt.Sprintf("column %d is not valid UTF-8 (save the file as UTF-8)", i+1))
		case !known[name]:
			problems = append(problems, fmt.Sprintf("unknown column %q (column %d)", h, i+1))
		case index[name] != 0:
			problems = append(problems, fmt.Sprintf("column %q appears twice", name))
		default:
			index[name] = i + 1 // +1 so that 0 means "absent"
		}
	}
	for _, c := range RegisterCSVColumns() {
		if index[c] == 0 {
			problems = append(problems, fmt.Sprintf("missing column %q", c))
		}
	}
	if i := index[ColRecordtype]; i > 1 {
		// Lines starting with # are comments, so the first cell of a data
		// line must never be free text that could start with #.
		problems = append(problems, fmt.Sprintf("%q must be the first column, it is column %d", ColRecordtype, i))
	}
	if len(problems) > 0 {
		if len(header) == 1 && strings.ContainsAny(header[0], ",\t") {
			problems = append(problems, "the separator must be ; (semicolon)")
		}
		return nil, fmt.Errorf("header: %s; expected %s", strings.Join(problems, "; "),
			strings.Join(RegisterCSVColumns(), ";"))
	}
	for k := range index {
		index[k]--
	}
	return index, nil
}

// csvParser collects the rows of one file: registrations first-come, and the
// KWAL and REL rows to be linked once the whole file has been read.
type csvParser struct {
	index map[string]int // column name -> field position
	names []string       // field position -> column name
	width int
	errs  []LineError

	regs    []csvReg
	byCode  map[Code]int  // code -> index in regs
	badRegs map[Code]bool // codes whose registration line had errors
	quals   []csvQual
	rels    []csvRel
}

type csvReg struct {
	line int
	reg  Registration
}

type csvQual struct {
	line  int
	owner Code
	q     Qualification
}

type csvRel struct {
	line  int
	owner Code
	rel   Relation
}

func (p *csvParser) fail(line int, column, reason string) {
	p.errs = append(p.errs, LineError{Line: line, Column: column, Reason: reason})
}

// row checks one record: its shape, the cells its type requires and forbids,
// and each cell's syntax. It returns nothing; problems go to p.errs.
func (p *csvParser) row(line int, rec []string) {
	if len(rec) != p.width {
		p.fail(line, "", fmt.Sprintf("has %d fields, the header has %d (check for a missing or extra ;)", len(rec), p.width))
		return
	}
	for i, cell := range rec {
		if !utf8.ValidString(cell) {
			p.fail(line, p.names[i], "is not valid UTF-8 (save the file as UTF-8, not as ANSI/Windows-1252)")
			return
		}
	}
	cell := func(col string) string { return strings.TrimSpace(rec[p.index[col]]) }

	rt := strings.ToUpper(cell(ColRecordtype))
	rules, ok := recordColumns[rt]
	if !ok {
		p.fail(line, ColRecordtype, fmt.Sprintf("%q is not a record type; use ZV, OND, VES, KWAL or REL", cell(ColRecordtype)))
		return
	}
	allowed := map[string]bool{ColRecordtype: true}
	bad := false
	for _, c := range rules.required {
		allowed[c] = true
		if cell(c) == "" {
			p.fail(line, c, "is required for a "+rt+" row")
			bad = true
		}
	}
	for _, c := range rules.optional {
		allowed[c] = true
	}
	for _, c := range RegisterCSVColumns() {
		if !allowed[c] && cell(c) != "" {
			p.fail(line, c, fmt.Sprintf("must be empty for a %s row, found %q", rt, cell(c)))
			bad = true
		}
	}

	code, err := ParseCode(cell(ColAGBCode))
	if cell(ColAGBCode) != "" && err != nil {
		p.fail(line, ColAGBCode, errText(err))
		bad = true
	}
	start, end, ok := p.period(line, cell(ColBegindatum), cell(ColEinddatum))
	bad = bad || !ok

	switch rt {
	case RecordZorgverlener, RecordOnderneming, RecordVestiging:
		reg := Registration{
			Code: code, Kind: recordKinds[rt], Start: start, End: end,
			Surname: cell(ColAchternaam), Prefix: cell(ColVoorvoegsel),
			Initials: cell(ColVoorletters), GivenName: cell(ColVoornaam), Name: cell(ColNaam),
		}
		if s := cell(ColStatus); s != "" {
			st, ok := parseStatus(s)
			if !ok {
				p.fail(line, ColStatus, fmt.Sprintf("%q is not a status; use actief or beeindigd", s))
				bad = true
			}
			reg.Status = st
		}
		if code != "" {
			if err := checkKindCode(reg.Kind, code); err != nil {
				p.fail(line, ColAGBCode, fmt.Sprintf("%s cannot be a %s row: %v", code, rt, err))
				bad = true
			}
		}
		for _, c := range []string{ColAchternaam, ColVoorvoegsel, ColVoorletters, ColVoornaam, ColNaam} {
			if err := checkText(cell(c)); err != nil {
				p.fail(line, c, err.Error())
				bad = true
			}
		}
		p.addRegistration(line, reg, bad)

	case RecordKwalificatie:
		k, err := ParseKwalificatie(cell(ColKwalificatie))
		if cell(ColKwalificatie) != "" && err != nil {
			p.fail(line, ColKwalificatie, errText(err))
			bad = true
		}
		if !bad {
			p.quals = append(p.quals, csvQual{line: line, owner: code, q: Qualification{Code: k, Start: start, End: end}})
		}

	case RecordRelatie:
		other, err := ParseCode(cell(ColRelatieAGBCode))
		if cell(ColRelatieAGBCode) != "" && err != nil {
			p.fail(line, ColRelatieAGBCode, errText(err))
			bad = true
		}
		kind := RelationKind(strings.ToLower(cell(ColRelatiesoort)))
		if cell(ColRelatiesoort) != "" && !kind.Valid() {
			p.fail(line, ColRelatiesoort, fmt.Sprintf("%q is not a relation kind; use %s, %s, %s or %s",
				cell(ColRelatiesoort), RelationWorksAt, RelationEmployment, RelationLocationOf, RelationAffiliated))
			bad = true
		}
		if err := checkText(cell(ColRol)); err != nil {
			p.fail(line, ColRol, err.Error())
			bad = true
		}
		if !bad && other == code {
			p.fail(line, ColRelatieAGBCode, "a registration cannot be related to itself")
			bad = true
		}
		if !bad {
			p.rels = append(p.rels, csvRel{line: line, owner: code, rel: Relation{
				OtherCode: other, Kind: kind, Role: cell(ColRol), Start: start, End: end,
			}})
		}
	}
}

// period parses begindatum and einddatum and checks their order.
func (p *csvParser) period(line int, begin, end string) (Date, Date, bool) {
	ok := true
	var s, e Date
	var err error
	if begin != "" {
		if s, err = ParseDate(begin); err != nil {
			p.fail(line, ColBegindatum, errText(err))
			ok = false
		}
	}
	if end != "" {
		if e, err = ParseDate(end); err != nil {
			p.fail(line, ColEinddatum, errText(err))
			ok = false
		}
	}
	if ok && !s.IsZero() && !e.IsZero() && e.Before(s) {
		p.fail(line, ColEinddatum, fmt.Sprintf("%s is before begindatum %s", e, s))
		ok = false
	}
	return s, e, ok
}

func (p *csvParser) addRegistration(line int, reg Registration, bad bool) {
	if p.byCode == nil {
		p.byCode = make(map[Code]int)
		p.badRegs = make(map[Code]bool)
	}
	if reg.Code == "" {
		return
	}
	if i, dup := p.byCode[reg.Code]; dup {
		p.fail(line, ColAGBCode, fmt.Sprintf("duplicate registration %s, already on line %d", reg.Code, p.regs[i].line))
		return
	}
	if bad {
		p.badRegs[reg.Code] = true
		return
	}
	p.byCode[reg.Code] = len(p.regs)
	p.regs = append(p.regs, csvReg{line: line, reg: reg})
}

// link attaches KWAL and REL rows to their registrations and checks what can
// only be checked across lines.
func (p *csvParser) link() {
	owner := func(line int, code Code, rt string) (*Registration, bool) {
		if i, ok := p.byCode[code]; ok {
			return &p.regs[i].reg, true
		}
		if !p.badRegs[code] { // a bad registration line is reported already
			p.fail(line, ColAGBCode, fmt.Sprintf("%s row for %s, but the file has no ZV, OND or VES row for %s", rt, code, code))
		}
		return nil, false
	}

	type qualKey struct {
		code Code
		k    Kwalificatie
		s    Date
	}
	seenQual := make(map[qualKey]int)
	for _, cq := range p.quals {
		reg, ok := owner(cq.line, cq.owner, RecordKwalificatie)
		if !ok {
			continue
		}
		key := qualKey{cq.owner, cq.q.Code, cq.q.Start}
		if first, dup := seenQual[key]; dup {
			p.fail(cq.line, ColKwalificatie, fmt.Sprintf("duplicate kwalificatie %s for %s from %s, already on line %d",
				cq.q.Code, cq.owner, cq.q.Start, first))
			continue
		}
		seenQual[key] = cq.line
		if err := checkQualification(reg.Kind, reg.Code, cq.q); err != nil {
			p.fail(cq.line, ColKwalificatie, err.Error())
			continue
		}
		reg.Qualifications = append(reg.Qualifications, cq.q)
	}

	type relKey struct {
		code, other Code
		kind        RelationKind
		s           Date
	}
	seenRel := make(map[relKey]int)
	for _, cr := range p.rels {
		reg, ok := owner(cr.line, cr.owner, RecordRelatie)
		if !ok {
			continue
		}
		key := relKey{cr.owner, cr.rel.OtherCode, cr.rel.Kind, cr.rel.Start}
		if first, dup := seenRel[key]; dup {
			p.fail(cr.line, ColRelatieAGBCode, fmt.Sprintf("duplicate %s relation %s -> %s from %s, already on line %d",
				cr.rel.Kind, cr.owner, cr.rel.OtherCode, cr.rel.Start, first))
			continue
		}
		seenRel[key] = cr.line
		ownerKind, targetKind, _ := cr.rel.Kind.ownerKind()
		if reg.Kind != ownerKind {
			p.fail(cr.line, ColRelatiesoort, fmt.Sprintf("%s is a relation of a %s, but %s is a %s",
				cr.rel.Kind, ownerKind, reg.Code, reg.Kind))
			continue
		}
		// The other end may be outside the file (a hospital's extract need not
		// hold every organisation); when it is in the file its kind must fit.
		if i, ok := p.byCode[cr.rel.OtherCode]; ok && p.regs[i].reg.Kind != targetKind {
			p.fail(cr.line, ColRelatieAGBCode, fmt.Sprintf("%s must point to a %s, but %s is a %s (line %d)",
				cr.rel.Kind, targetKind, cr.rel.OtherCode, p.regs[i].reg.Kind, p.regs[i].line))
			continue
		}
		reg.Relations = append(reg.Relations, cr.rel)
	}

	// Defence in depth: what the import accepts must be what Validate
	// accepts, so the store and Check never meet a record the parser let by.
	for _, cr := range p.regs {
		if err := cr.reg.Validate(); err != nil {
			p.fail(cr.line, "", err.Error())
		}
	}
}

func (p *csvParser) registrations() []Registration {
	out := make([]Registration, len(p.regs))
	for i, cr := range p.regs {
		out[i] = cr.reg
	}
	return out
}

func parseStatus(s string) (Status, bool) {
	switch strings.ToLower(s) {
	case "actief":
		return StatusActive, true
	case "beeindigd", "beëindigd":
		return StatusEnded, true
	}
	return "", false
}

// errText drops the package's sentinel prefix ("agb: invalid AGB code: ")
// from a message shown next to a column name, where it would be noise.
func errText(err error) string {
	msg := err.Error()
	for _, sentinel := range []error{ErrInvalidCode, ErrInvalidKwalificatie, ErrInvalidDate} {
		if errors.Is(err, sentinel) {
			return strings.TrimPrefix(strings.Replace(msg, sentinel.Error()+": ", "", 1), "agb: ")
		}
	}
	return msg
}

// WriteRegisterCSV writes registrations in the import layout, one
// registration row followed by its KWAL and REL rows, so the hospital can
// export its register, edit it and import it again.
func WriteRegisterCSV(w io.Writer, regs []Registration) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cols := RegisterCSVColumns()
	pos := make(map[string]int, len(cols))
	for i, c := range cols {
		pos[c] = i
	}
	if err := cw.Write(cols); err != nil {
		return err
	}
	row := func(cells map[string]string) error {
		rec := make([]string, len(cols))
		for c, v := range cells {
			rec[pos[c]] = v
		}
		return cw.Write(rec)
	}
	recordType := map[Kind]string{
		KindZorgverlener: RecordZorgverlener, KindOnderneming: RecordOnderneming, KindVestiging: RecordVestiging,
	}
	for _, r := range regs {
		if err := r.Validate(); err != nil {
			return err
		}
		if err := row(map[string]string{
			ColRecordtype: recordType[r.Kind], ColAGBCode: string(r.Code),
			ColBegindatum: r.Start.String(), ColEinddatum: r.End.String(), ColStatus: string(r.Status),
			ColAchternaam: r.Surname, ColVoorvoegsel: r.Prefix, ColVoorletters: r.Initials,
			ColVoornaam: r.GivenName, ColNaam: r.Name,
		}); err != nil {
			return err
		}
		for _, q := range r.Qualifications {
			if err := row(map[string]string{
				ColRecordtype: RecordKwalificatie, ColAGBCode: string(r.Code), ColKwalificatie: string(q.Code),
				ColBegindatum: q.Start.String(), ColEinddatum: q.End.String(),
			}); err != nil {
				return err
			}
		}
		for _, rel := range r.Relations {
			if err := row(map[string]string{
				ColRecordtype: RecordRelatie, ColAGBCode: string(r.Code), ColRelatieAGBCode: string(rel.OtherCode),
				ColRelatiesoort: string(rel.Kind), ColRol: rel.Role,
				ColBegindatum: rel.Start.String(), ColEinddatum: rel.End.String(),
			}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
