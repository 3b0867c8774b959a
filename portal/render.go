package portal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/portal/chart"
	"zorgverlenersportaal/static"
	"zorgverlenersportaal/views"
)

// renderer holds every page template, parsed once at start-up from the embedded views: each page is the
// base layout plus all partials plus the page itself, so pages cannot disagree on the frame around them.
type renderer struct {
	pages   map[string]*template.Template
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
	r := &renderer{pages: map[string]*template.Template{}, catalog: catalog, assets: map[string]string{}}
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
	for _, p := range pages {
		files := append(append(append([]string{}, layouts...), partials...), p)
		t, err := template.New(path.Base(p)).Funcs(r.funcs()).ParseFS(views.FS, files...)
		if err != nil {
			return nil, fmt.Errorf("views: parse %s: %w", p, err)
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return r, nil
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
		"date":     formatDate,
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
		"labRows": func(lang string, patientID int64, table string, rows []labRow) (template.HTML, error) {
			return r.labRows(lang, patientID, labTable(table), rows)
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
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("views: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
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

// formatDateTime adds the time of day in Dutch local time.
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
	return d + " " + tm.In(amsterdam).Format("15:04")
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
