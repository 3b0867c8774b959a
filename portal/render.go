package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/portal/store"
	"zorgverlenersportaal/static"
	"zorgverlenersportaal/views"
)

// renderer holds every page template, parsed once at start-up from the embedded views: each page is the
// base layout plus all partials plus the page itself, so pages cannot disagree on the frame around them.
// Every page is parsed once per language, with its fixed texts already in place (see translateStatic).
type renderer struct {
	pages   map[string]map[string]*template.Template // language -> page name -> template
	catalog *views.Catalog
	assets  map[string]string // static path -> path with content hash, for cache-busting
	cache   fragments         // partials rendered once per language and value (labtables.go)
}

// Page is what every template receives: the frame's needs (language, provider, CSRF token, hospital)
// and the page's own Data.
type Page struct {
	Lang      string
	Title     string
	Hospital  string
	Provider  *auth.Provider
	CSRF      string
	Path      string
	RequestID string
	Now       time.Time
	// SeesPatients says whether the provider's role may see any patient data: only then does the menu
	// offer the search.
	SeesPatients bool
	Data         any
}

func newRenderer() (*renderer, error) {
	catalog, err := views.LoadCatalog()
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]map[string]*template.Template{}, catalog: catalog, assets: map[string]string{}}
	if err := r.hashAssets(); err != nil {
		return nil, err
	}
	layouts, err := fs.Glob(views.FS, "layouts/*.html")
	if err != nil {
		return nil, err
	}
	partials, err := fs.Glob(views.FS, "partials/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(views.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	shared := append(layouts, partials...) // the frame every page is parsed with
	for _, lang := range views.Languages {
		sources, err := r.readViews(lang, append(slices.Clip(shared), pages...))
		if err != nil {
			return nil, err
		}
		r.pages[lang] = map[string]*template.Template{}
		for _, p := range pages {
			t, err := r.parsePage(append(slices.Clip(shared), p), sources)
			if err != nil {
				return nil, err
			}
			r.pages[lang][strings.TrimSuffix(path.Base(p), ".html")] = t
		}
	}
	return r, nil
}

// readViews reads the view files once per language, with the fixed texts of that language written in
// (translateStatic), so that a layout or partial shared by every page is read and translated once, not
// once per page. An empty language leaves every text to be looked up while the page is executed, which
// the tests compare against.
func (r *renderer) readViews(lang string, files []string) (map[string]string, error) {
	sources := make(map[string]string, len(files))
	for _, file := range files {
		src, err := fs.ReadFile(views.FS, file)
		if err != nil {
			return nil, fmt.Errorf("views: %w", err)
		}
		text := string(src)
		if lang != "" {
			text = r.translateStatic(text, lang)
		}
		sources[file] = text
	}
	return sources, nil
}

// parsePage parses the files of one page (the last file is the page itself) from the sources readViews
// made.
func (r *renderer) parsePage(files []string, sources map[string]string) (*template.Template, error) {
	page := files[len(files)-1]
	root := template.New(path.Base(page)).Funcs(r.funcs())
	for _, file := range files {
		t := root
		if path.Base(file) != root.Name() {
			t = root.New(path.Base(file))
		}
		if _, err := t.Parse(sources[file]); err != nil {
			return nil, fmt.Errorf("views: parse %s: %w", page, err)
		}
	}
	return root, nil
}

// staticText is a translation fixed where it is written: a literal key in the page's own language and
// nothing to fill in, {{t $l "tabs.lab"}}. The language variables of the views ($l, $lang, $.Lang, .Lang)
// all hold the language of the page being rendered; $other (the language switch) is not among them.
var staticText = regexp.MustCompile(`\{\{t (?:\$l|\$lang|\$\.Lang|\.Lang) "([^"\\{}]+)"\}\}`)

// translateStatic writes the text of every static translation into a template's source, escaped as
// html/template escapes text, so that executing a page no longer calls the catalogue and an escaper
// through reflection for each of its hundreds of labels and headings (the larger part of a page's template
// time; docs/performance.md has the figures). A key the catalogue does not know, or a text with a brace that the
// template parser would take for an action, stays a call and behaves as before.
func (r *renderer) translateStatic(src, lang string) string {
	return staticText.ReplaceAllStringFunc(src, func(action string) string {
		key := staticText.FindStringSubmatch(action)[1]
		if !r.catalog.Has(key) {
			return action
		}
		text := template.HTMLEscapeString(r.catalog.T(lang, key))
		if strings.ContainsAny(text, "{}") {
			return action
		}
		return text
	})
}

// set is the parsed pages of a language; an unknown language gets Dutch, as the catalogue does.
func (r *renderer) set(lang string) map[string]*template.Template {
	if pages, ok := r.pages[lang]; ok {
		return pages
	}
	return r.pages[views.Languages[0]]
}

// hashAssets computes a content hash for every static file so that a changed stylesheet is fetched anew
// while unchanged ones stay cached.
func (r *renderer) hashAssets() error {
	return fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		data, err := fs.ReadFile(static.FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		r.assets[p] = "/static/" + p + "?v=" + hex.EncodeToString(sum[:4])
		return nil
	})
}

func (r *renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"t": r.catalog.T,
		"asset": func(p string) (string, error) {
			if a, ok := r.assets[p]; ok {
				return a, nil
			}
			return "", fmt.Errorf("no static file %s", p)
		},
		// word names a coded value in the reader's language (prefix "dossier.class", value "inpatient");
		// a code the catalogue does not know is shown as it came, never as a missing-message marker.
		"word": func(lang, prefix string, value any) string {
			v := strings.TrimSpace(fmt.Sprint(value))
			if v == "" {
				return ""
			}
			if key := prefix + "." + v; r.catalog.Has(key) {
				return r.catalog.T(lang, key)
			}
			return v
		},
		// origin says where a relationship or a consent record came from, the way an administrator
		// understands it ("import van het EPD, 3 december 2026"), not as the store keeps it.
		"origin": func(lang, source, by string, at time.Time) string {
			if by == store.ImportedBy || source == "fhir" {
				return r.catalog.T(lang, "origin.import", formatDate(lang, at))
			}
			if key := "origin." + source; source != "" && r.catalog.Has(key) {
				return r.catalog.T(lang, key, by, formatDate(lang, at))
			}
			return r.catalog.T(lang, "origin.person", by, formatDateTime(lang, at))
		},
		"date":     formatDate,
		"bsn":      formatBSN, // one way to print a BSN on every screen
		"datetime": formatDateTime,
		"otherLang": func(lang string) string {
			if lang == "en" {
				return "nl"
			}
			return "en"
		},
		// Dossier partials (dossierparts.go): part hands a partial its data with the language.
		"part":        func(lang string, data any) Part { return Part{Lang: lang, Data: data} },
		"statusBadge": StatusBadge,
		"vitalHref":   vitalHref,
		"labRows": func(lang string, patientPublicID string, table string, rows []labRow) (template.HTML, error) {
			return r.labRows(lang, patientPublicID, labTable(table), rows)
		},
		// trendChart draws a lab trend; data it cannot draw (no points, a reference range upside down)
		// gives a short note instead of failing the page, since the lab table shows the values anyway.
		"trendChart": func(lang string, tr chart.Trend) template.HTML {
			out, err := chart.Render(tr, chart.Options{Lang: lang, Messages: r.catalog.T, Location: amsterdam})
			if err != nil {
				return template.HTML(`<p class="chart__unavailable">` + template.HTMLEscapeString(r.catalog.T(lang, "chart.unavailable")) + `</p>`)
			}
			return out
		},
	}
}

// render executes a page into a buffer first, so that a template error becomes a clean error page and
// never half a page, then writes status and body.
func (r *renderer) render(c echo.Context, status int, name string, p Page) error {
	t, ok := r.set(p.Lang)[name]
	if !ok {
		return fmt.Errorf("views: no page %q", name)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	// Put back only after HTMLBlob has copied the page into the response.
	defer putPageBuffer(buf)
	if err := t.ExecuteTemplate(buf, "base", p); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// pageBuffers keeps the buffers pages are rendered into: a page is some 8 to 50 KiB, and a new buffer
// for every page grew through a copy at each doubling, the largest share of a page view's garbage.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxKeptPageBuffer is the largest buffer put back: the rare huge page (a year of lab results in one
// table) should not keep its memory for every later page.
const maxKeptPageBuffer = 256 << 10

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= maxKeptPageBuffer {
		pageBuffers.Put(buf)
	}
}

var dutchMonths = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
	"september", "oktober", "november", "december"}

// formatDate writes a calendar day the way a Dutch or English clinician reads it: "3 februari 2026" or
// "3 February 2026"; months in words avoid the day/month ambiguity of numeric dates.
func formatDate(lang string, t any) string {
	var tm time.Time
	switch v := t.(type) {
	case time.Time:
		tm = v
	case *time.Time:
		if v == nil {
			return ""
		}
		tm = *v
	default:
		return ""
	}
	if tm.IsZero() {
		return ""
	}
	tm = tm.In(amsterdam)
	if lang == "en" {
		return tm.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", tm.Day(), dutchMonths[tm.Month()-1], tm.Year())
}

// formatDateTime adds the time of day in Dutch local time, when the value has one. What the source
// recorded as a date (a relationship that started on a day, a letter dated without a time) is kept as
// midnight UTC by the import, and a day computed in Dutch time (access that ends on a day) as midnight in
// Amsterdam: neither gains an invented clock time on a screen.
func formatDateTime(lang string, t any) string {
	d := formatDate(lang, t)
	if d == "" {
		return ""
	}
	var tm time.Time
	switch v := t.(type) {
	case time.Time:
		tm = v
	case *time.Time:
		tm = *v
	}
	if !hasClockTime(tm) {
		return d
	}
	return d + " " + tm.In(amsterdam).Format("15:04")
}

// hasClockTime reports whether a stored time carries a time of day: not midnight UTC (a date from the
// source) and not midnight in Amsterdam (a day computed in Dutch time).
func hasClockTime(t time.Time) bool {
	midnight := func(t time.Time) bool {
		return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	return !midnight(t.UTC()) && !midnight(t.In(amsterdam))
}

// amsterdam is the time zone of every time on the screens; stored times are UTC. The zone database is
// embedded (time/tzdata), so a server without /usr/share/zoneinfo shows the same times.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()
