package portal

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"zorgverlenersportaal/auth"
	"zorgverlenersportaal/uzi"
	"zorgverlenersportaal/views"
)

// TestFixedTextsRenderAsLookedUp: a page parsed with its fixed texts written in renders byte for byte
// what the same page renders when every text is looked up while it executes, in both languages, for the
// dossier frame (banner, basis, tabs, lab tables), the access page and the search page.
func TestFixedTextsRenderAsLookedUp(t *testing.T) {
	r := testRenderer(t)
	now := time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)
	for _, lang := range views.Languages {
		for name, page := range map[string]Page{
			"dossier_lab":    labPageFixture(lang, now),
			"patient_access": accessPageFixture(now),
			"search":         {Title: "Zoeken", Path: "/patients/search", Now: now, Data: searchPage{}},
		} {
			page.Lang, page.Hospital, page.CSRF, page.SeesPatients = lang, "Ziekenhuis Rivierenland", "token", true
			page.Provider = &auth.Provider{Identity: uzi.Identity{UZINumber: "900100001", GivenName: "Anna",
				Surname: "de Vries", CommonName: "Anna de Vries", RoleCode: "01.015"}}
			files := pageFiles(t, name)
			sources, err := r.readViews("", files)
			if err != nil {
				t.Fatal(err)
			}
			lookedUp, err := r.parsePage(files, sources)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			if err := lookedUp.ExecuteTemplate(&want, "base", page); err != nil {
				t.Fatalf("%s %s, texts looked up: %v", lang, name, err)
			}
			if err := r.pages[lang][name].ExecuteTemplate(&got, "base", page); err != nil {
				t.Fatalf("%s %s, texts written in: %v", lang, name, err)
			}
			if got.String() != want.String() {
				t.Errorf("%s %s renders differently with its texts written in:\n%s", lang, name, firstDifference(got.String(), want.String()))
			}
			if !strings.Contains(got.String(), r.catalog.T(lang, "nav.label")) {
				t.Errorf("%s %s: the navigation's label is not in the page's language", lang, name)
			}
		}
	}
}

// TestOnlyFixedTextsAreWrittenIn: a translation with something to fill in, in another language, or under
// a key the catalogue does not know stays a call; the texts written in are escaped as html/template
// escapes text.
func TestOnlyFixedTextsAreWrittenIn(t *testing.T) {
	r := testRenderer(t)
	for _, kept := range []string{
		`{{t $l "banner.age" .Age}}`,       // an argument
		`{{t $other "lang.switch"}}`,       // the other language
		`{{t $l "no.such.key"}}`,           // unknown: the page shows the key, as before
		`{{t $l (printf "tabs.%s" .Cat)}}`, // a key made while executing
	} {
		if got := r.translateStatic(kept, "nl"); got != kept {
			t.Errorf("%s became %s", kept, got)
		}
	}
	for src, want := range map[string]string{
		`<h2>{{t $l "tabs.lab"}}</h2>`:                "<h2>" + r.catalog.T("nl", "tabs.lab") + "</h2>",
		`<nav aria-label="{{t $.Lang "nav.label"}}">`: `<nav aria-label="` + r.catalog.T("nl", "nav.label") + `">`,
		`{{t .Lang "access.reason.minor-under-12"}}`:  `patiënt is jonger dan 12 jaar`,
		`{{t $lang "access.reason.minor-under-12"}}`:  `&#39;ouder of voogd&#39;`,
	} {
		got := r.translateStatic(src, "nl")
		if !strings.Contains(got, want) || strings.Contains(got, "{{") {
			t.Errorf("%s became %s, want it to contain %s", src, got, want)
		}
	}
	english := r.translateStatic(`{{t $l "access.reason.minor-under-12"}}`, "en")
	if !strings.Contains(english, "&#39;parent or guardian&#39;") || strings.Contains(english, "'") {
		t.Errorf("the English text is not escaped: %s", english)
	}
}

// pageFiles lists the files a page is parsed from, in the order newRenderer parses them.
func pageFiles(t *testing.T, name string) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"layouts/*.html", "partials/*.html"} {
		matches, err := fs.Glob(views.FS, pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	return append(files, path.Join("pages", name+".html"))
}

// firstDifference shows where two renderings part, with some context.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "written in:  …" + a[from:min(len(a), i+80)] + "\nlooked up:   …" + b[from:min(len(b), i+80)]
}
