package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"zorgverlenersportaal/portal/audit"
	"zorgverlenersportaal/views"
)

// accessLine is one access-log record in words, in one language: what the screens, the CSV file and the
// printable document show. Building it in one place keeps the three from saying different things.
type accessLine struct {
	Lang         string // the language the line is written in; the table partial needs it
	ID           int64
	When         string
	Time         time.Time
	Event        string
	Outcome      string
	Refused      bool
	Reason       string
	Name         string
	UZI          string
	Role         string
	RoleCode     string
	AGB          string
	URA          string
	Organisation string
	OnBehalfOf   string
	PatientBSN   string
	// RawEvent is the recorded event code, for decisions; Event is its words.
	RawEvent string
	// PatientName and PatientBorn are filled in only where the provider saw the patient (Mijn inzages):
	// a refused search must not name whom it was refused for.
	PatientName  string
	PatientBorn  string
	Data         string
	Items        string
	Basis        string
	Emergency    bool
	EmergencyTxt string
}

// describeEntry puts a record into words. Codes the catalogue does not know (a category another part of
// the portal introduced later, a basis written as free text) are shown as they are, never dropped.
func describeEntry(cat *views.Catalog, lang string, e audit.Entry) accessLine {
	word := func(prefix, code string) string {
		if code == "" {
			return ""
		}
		if cat.Has(prefix + code) {
			return cat.T(lang, prefix+code)
		}
		return code
	}
	role := e.Role.Dutch
	if lang == "en" {
		role = e.Role.English
	}
	l := accessLine{
		Lang:         lang,
		ID:           e.ID,
		Time:         e.Time,
		When:         formatDate(lang, e.Time) + " " + e.Time.In(amsterdam).Format("15:04:05"),
		Event:        word("audit.event.", e.Event),
		RawEvent:     e.Event,
		Outcome:      word("audit.outcome.", e.Outcome),
		Refused:      e.Outcome != string(audit.Success),
		Reason:       e.Reason,
		Name:         e.UserName,
		UZI:          e.UserUZI,
		Role:         role,
		RoleCode:     e.UserRole,
		AGB:          e.UserAGB,
		URA:          e.UserURA,
		Organisation: e.UserOrg,
		OnBehalfOf:   e.OnBehalfOf,
		PatientBSN:   e.PatientBSN,
		Data:         categoriesText(word, e.ObjectCategory),
		Items:        e.ObjectIDs,
		Emergency:    e.Emergency,
		EmergencyTxt: cat.T(lang, "audit.no"),
	}
	if e.Emergency {
		l.EmergencyTxt = cat.T(lang, "audit.yes")
	}
	switch audit.Event(e.Event) {
	case audit.EventLoginRefused, audit.EventSearch, audit.EventView:
		l.Reason = reasonText(cat, lang, e.Reason)
	case audit.EventReport:
		l.Reason = word("audit.report.", e.Reason)
	case audit.EventAdminAction:
		l.Reason = word("audit.action.", e.Reason)
	case audit.EventEmergencyAccess:
		if e.Reason == "" { // the access decision's records keep the stated reason in the detail
			l.Reason = e.Detail
		}
	}
	switch {
	case !e.BasisParsed:
		l.Basis = e.AccessRecord.Basis
	default:
		var parts []string
		if e.Basis.Relationship != "" {
			parts = append(parts, cat.T(lang, "audit.basis.relationship", word("audit.relationship.", string(e.Basis.Relationship))))
		}
		if e.Basis.Consent != "" {
			parts = append(parts, cat.T(lang, "audit.basis.consent", word("audit.consent.", string(e.Basis.Consent))))
		}
		l.Basis = strings.Join(parts, "; ")
	}
	return l
}

// categoriesText names the categories of one record: a page view lists every category it showed
// ("lab,allergies,summary"), each put into words.
func categoriesText(word func(prefix, code string) string, categories string) string {
	if categories == "" {
		return ""
	}
	parts := strings.Split(categories, ",")
	for i, c := range parts {
		parts[i] = word("audit.category.", strings.TrimSpace(c))
	}
	return strings.Join(parts, ", ")
}

// reasonText puts a recorded reason into the sentence the provider saw: the access log's own words for
// it, else the access decision's, the refusal page's or the door's title; a code nobody describes is
// shown as it is.
func reasonText(cat *views.Catalog, lang, reason string) string {
	if reason == "" {
		return ""
	}
	for _, key := range []string{"audit.reason." + reason, "access.reason." + reason, "refusal." + reason + ".title", "door." + reason + ".title"} {
		if cat.Has(key) {
			return cat.T(lang, key)
		}
	}
	return reason
}

func describeEntries(cat *views.Catalog, lang string, entries []audit.Entry) []accessLine {
	lines := make([]accessLine, len(entries))
	for i, e := range entries {
		lines[i] = describeEntry(cat, lang, e)
	}
	return lines
}

// Report formats: on screen inside the portal, a CSV file, a standalone printable HTML document.
const (
	FormatScreen = "screen"
	FormatCSV    = "csv"
	FormatHTML   = "html"
)

// WritePatientReport writes a patient's access report as CSV or as the standalone printable HTML
// document, in Dutch ("nl") or English. The command line uses it; the portal calls writePatientReport
// with the catalogue it already has.
func WritePatientReport(w io.Writer, rep audit.PatientReport, format, lang, hospital string) error {
	cat, err := views.LoadCatalog()
	if err != nil {
		return err
	}
	return writePatientReport(w, cat, rep, format, lang, hospital)
}

func writePatientReport(w io.Writer, cat *views.Catalog, rep audit.PatientReport, format, lang, hospital string) error {
	lines := describeEntries(cat, lang, rep.Entries)
	switch format {
	case FormatCSV:
		return writeReportCSV(w, cat, lang, lines)
	case FormatHTML:
		return writeReportDocument(w, cat, lang, hospital, rep, lines)
	}
	return fmt.Errorf("portal: unknown report format %q (csv or html)", format)
}

// writeReportCSV writes one row per record with a header row in the chosen language; spreadsheet
// programs open it as it is.
func writeReportCSV(w io.Writer, cat *views.Catalog, lang string, lines []accessLine) error {
	cw := csv.NewWriter(w)
	header := []string{"record", "when", "event", "outcome", "reason", "name", "uzi", "role", "role_code", "agb",
		"ura", "organisation", "on_behalf_of", "patient_bsn", "data", "items", "basis", "emergency"}
	for i, h := range header {
		header[i] = cat.T(lang, "audit.csv."+h)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, l := range lines {
		row := []string{strconv.FormatInt(l.ID, 10), l.Time.In(amsterdam).Format("2006-01-02 15:04:05"), l.Event, l.Outcome,
			l.Reason, l.Name, l.UZI, l.Role, l.RoleCode, l.AGB, l.URA, l.Organisation, l.OnBehalfOf, l.PatientBSN,
			l.Data, l.Items, l.Basis, l.EmergencyTxt}
		for i, v := range row {
			row[i] = csvSafe(v)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV injection): a value that starts with
// = + - @ gets a leading apostrophe.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// reportDocument is the data of the printable document.
type reportDocument struct {
	Lang, Hospital string
	BSN            string
	From, To       string
	ByUZI          string
	Generated      string
	Lines          []accessLine
	CSS            template.CSS
}

var reportTemplate = template.Must(template.New("access_report.html").Funcs(template.FuncMap{
	"t": func(cat *views.Catalog, lang, key string, args ...any) string { return cat.T(lang, key, args...) },
}).ParseFS(views.FS, "documents/access_report.html"))

// reportCSS is the document's own stylesheet, inlined so that the file stands alone (printed, mailed,
// archived); reportCSP allows exactly that stylesheet and nothing else when the portal shows it.
var (
	reportCSS = func() string {
		b, err := views.FS.ReadFile("documents/access_report.css")
		if err != nil {
			panic(err)
		}
		return string(b)
	}()
	reportCSP = func() string {
		sum := sha256.Sum256([]byte(reportCSS))
		return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'none'; " +
			"form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
	}()
)

func writeReportDocument(w io.Writer, cat *views.Catalog, lang, hospital string, rep audit.PatientReport, lines []accessLine) error {
	doc := reportDocument{
		Lang: lang, Hospital: hospital, BSN: rep.Query.BSN, ByUZI: rep.Query.ByUZI,
		From: formatDate(lang, rep.Query.From), To: formatDate(lang, rep.Query.To),
		Generated: formatDateTime(lang, rep.Generated), Lines: lines, CSS: template.CSS(reportCSS),
	}
	var buf bytes.Buffer
	if err := reportTemplate.ExecuteTemplate(&buf, "document", struct {
		Cat *views.Catalog
		reportDocument
	}{cat, doc}); err != nil {
		return fmt.Errorf("views: access report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
