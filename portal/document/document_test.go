package document_test

import (
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"zorgverlenersportaal/portal/document"
)

// xssPayloads is the classic list, each with a marker word that must never end up in executable
// position. The test parses the sanitised output with the HTML5 parser, as a browser would.
var xssPayloads = []string{
	`<script>alert('x1')</script>`,
	`<SCRIPT SRC=//evil.example/x2.js></SCRIPT>`,
	`<img src=x onerror=alert('x3')>`,
	`<img src="javascript:alert('x4')">`,
	`<a href="javascript:alert('x5')">klik</a>`,
	`<a href="JaVaScRiPt:alert('x6')">klik</a>`,
	`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('x7')">klik</a>`,
	`<a href="&#x6A;avascript&#x3A;alert('x8')">klik</a>`,
	`<a href=" javascript:alert('x9')">klik</a>`,
	"<a href=\"java\tscript:alert('x10')\">klik</a>",
	`<a href="vbscript:msgbox('x11')">klik</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgneDEyJyk8L3NjcmlwdD4=">klik</a>`,
	`<svg onload=alert('x13')><circle r=10 /></svg>`,
	`<svg><script>alert('x14')</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert('x15')></style></mglyph></table></mtext></math>`,
	`<iframe srcdoc="<script>alert('x16')</script>"></iframe>`,
	`<iframe src="javascript:alert('x17')"></iframe>`,
	`<object data="javascript:alert('x18')"></object>`,
	`<embed src="javascript:alert('x19')">`,
	`<div style="width: expression(alert('x20'))">css</div>`,
	`<div style="background:url(javascript:alert('x21'))">css</div>`,
	`<style>body{background:url("javascript:alert('x22')")}</style>`,
	`<link rel=stylesheet href="https://evil.example/x23.css">`,
	`<body onload=alert('x24')>`,
	`<p onclick="alert('x25')" onmouseover=alert('x25')>tekst</p>`,
	`<form action="https://evil.example/x26"><input name=q><button formaction="javascript:alert('x26')">go</button></form>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert('x27')">`,
	`<base href="javascript:alert('x28')//">`,
	`<details open ontoggle=alert('x29')>`,
	`<video><source onerror="alert('x30')"></video>`,
	`<<script>alert('x31');//<</script>`,
	`<scr<script>ipt>alert('x32')</scr</script>ipt>`,
	`<img src=x onerror=alert('x33')`,                                  // unclosed tag
	`<b><i><table><tr><td>open cells <img src=x onerror=alert('x34')>`, // unclosed nesting
	`&lt;script&gt;alert('x35')&lt;/script&gt;`,                        // encoded: must stay text
	`<noscript><p title="</noscript><img src=x onerror=alert('x36')>">`,
	`<template><script>alert('x37')</script></template>`,
	`<textarea><script>alert('x38')</script></textarea>`,
	`<a href="https://evil.example/x39" style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</a>`,
	`<div class="notice notice--error skip-link" id="main">spoof x40</div>`,
	`<img src="data:image/png;base64,iVBORw0KGgo=" alt="x41">`,
	`<img src="https://tracker.example/pixel.gif?x42">`,
	`<a href="/logout">x43 relative</a>`,
	`<a href="//evil.example/x44">x44 protocol-relative</a>`,
}

// dangerous walks a parsed fragment and reports anything that could run, load or restyle.
func dangerous(t *testing.T, markup string) []string {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(markup), body)
	if err != nil {
		t.Fatal(err)
	}
	allowedElements := []string{"div", "span", "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "strong", "em", "b", "i", "u", "s",
		"small", "sub", "sup", "mark", "abbr", "q", "cite", "del", "ins", "blockquote", "pre", "code", "a"}
	var found []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !slices.Contains(allowedElements, n.Data) || n.Namespace != "" {
				found = append(found, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key, val := strings.ToLower(a.Key), strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(key, "on"), key == "style", key == "src", key == "srcdoc", key == "class", key == "id",
					key == "action", key == "formaction", key == "data":
					found = append(found, fmt.Sprintf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data))
				case key == "href":
					if !(strings.HasPrefix(val, "https://") || strings.HasPrefix(val, "http://") || strings.HasPrefix(val, "mailto:")) {
						found = append(found, fmt.Sprintf("href %q", a.Val))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

func TestSanitizeXSSPayloads(t *testing.T) {
	s := document.NewSanitizer()
	for i, p := range xssPayloads {
		t.Run(fmt.Sprintf("x%d", i+1), func(t *testing.T) {
			for _, wrapped := range []string{p, "<p>Geachte collega,</p>" + p + "<p>Met vriendelijke groet</p>"} {
				out, err := s.HTML([]byte(wrapped), "")
				if err != nil {
					t.Fatal(err)
				}
				inner, ok := strings.CutPrefix(string(out), `<div class="document document--html">`)
				inner, ok2 := strings.CutSuffix(inner, `</div>`)
				if !ok || !ok2 {
					t.Fatalf("not wrapped: %s", out)
				}
				if bad := dangerous(t, inner); len(bad) > 0 {
					t.Errorf("payload %q left %v in:\n%s", p, bad, out)
				}
				lower := strings.ToLower(string(out))
				for _, s := range []string{"<script", "javascript:", "vbscript:", "data:", "expression(", "<iframe", "<svg", "<img", "<style", "<form", "<input", "<meta", "<base", "<link"} {
					if strings.Contains(lower, s) {
						t.Errorf("payload %q: output contains %q:\n%s", p, s, out)
					}
				}
			}
		})
	}
}

// TestSanitizeKeepsTheLetter: the structure a clinician needs survives, headings move under the page's.
func TestSanitizeKeepsTheLetter(t *testing.T) {
	letter := `<html><head><title>Ontslagbrief</title><style>p{color:red}</style></head><body>
<h1 style="color:blue">Ontslagbrief</h1>
<p>Geachte collega <b>de Vries</b>,</p>
<h2>Beloop</h2>
<p>Patiënt werd opgenomen met <em>pneumonie</em>.<br>Behandeld met amoxicilline.</p>
<ul><li>CRP 180 &rarr; 12 mg/L</li><li>Kalium 3,2 mmol/L</li></ul>
<ol start="3"><li>derde</li></ol>
<table border="1" class="lab"><caption>Lab</caption><thead><tr><th scope="col">Test</th><th scope="col" colspan="2">Waarde</th></tr></thead>
<tbody><tr><td>Hb</td><td>7,9</td><td>mmol/L</td></tr></tbody></table>
<dl><dt>Allergie</dt><dd>Penicilline</dd></dl>
<p>Zie <a href="https://www.thuisarts.nl/longontsteking" onclick="x()">thuisarts.nl</a> of mail <a href="mailto:poli@ziekenhuis.example">de poli</a>.</p>
<pre>Hb    7,9
Leuko 11,2</pre>
<p>Met <abbr title="vriendelijke">vr.</abbr> groet, <sub>x</sub><sup>2</sup></p>
</body></html>`
	out, err := document.NewSanitizer().HTML([]byte(letter), "utf-8")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		`<div class="document document--html">`,
		`<h3>Ontslagbrief</h3>`, `<h4>Beloop</h4>`,
		`<b>de Vries</b>`, `<em>pneumonie</em>`, `<br/>`,
		`<li>CRP 180 → 12 mg/L</li>`, `<ol start="3">`,
		`<caption>Lab</caption>`, `<th scope="col" colspan="2">Waarde</th>`,
		`<dt>Allergie</dt><dd>Penicilline</dd>`,
		`<a href="https://www.thuisarts.nl/longontsteking" rel="nofollow noreferrer noopener" target="_blank">thuisarts.nl</a>`,
		`<a href="mailto:poli@ziekenhuis.example" rel="nofollow noreferrer">de poli</a>`,
		"<pre>Hb    7,9\nLeuko 11,2</pre>",
		`<abbr title="vriendelijke">vr.</abbr>`, `<sub>x</sub><sup>2</sup>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %s in:\n%s", want, got)
		}
	}
	for _, gone := range []string{"<h1", "<h2", "style", "color", "class=\"lab\"", "border", "onclick", "<title", "<html", "<body"} {
		if strings.Contains(got, gone) {
			t.Errorf("still contains %q:\n%s", gone, got)
		}
	}
}

// TestSanitizeBalancesTags: an unclosed table or bold inside a letter must end with the letter, or it
// would swallow the page around it.
func TestSanitizeBalancesTags(t *testing.T) {
	out, err := document.NewSanitizer().HTML([]byte(`<b>vet <table><tr><td>cel<div>blok`), "")
	if err != nil {
		t.Fatal(err)
	}
	page := "<!DOCTYPE html><html><body><main>" + string(out) + "<p id=after>na de brief</p></main></body></html>"
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var after *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "p" {
			for _, a := range n.Attr {
				if a.Key == "id" && a.Val == "after" {
					after = n
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if after == nil || after.Parent.Data != "main" {
		t.Fatalf("the paragraph after the document landed in <%s>:\n%s", after.Parent.Data, out)
	}
	for p := after.Parent; p != nil; p = p.Parent {
		if p.Data == "b" {
			t.Fatalf("the page after the document is bold:\n%s", out)
		}
	}
}

func TestTextKeepsLinesAndEscapes(t *testing.T) {
	in := "Uitslag\r\nHb    7,9 mmol/L\r\n\r\n<script>alert(1)</script> & \"quotes\"\x00\x1b\rend\n"
	out, err := document.Text([]byte(in), "")
	if err != nil {
		t.Fatal(err)
	}
	want := `<div class="document document--text">Uitslag` + "\nHb    7,9 mmol/L\n\n" +
		`&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;` + "\nend</div>"
	if string(out) != want {
		t.Errorf("Text =\n%q\nwant\n%q", out, want)
	}
}

func TestCharsets(t *testing.T) {
	cases := []struct {
		data    []byte
		charset string
		want    string
	}{
		{[]byte("Pati\xebnt \x80 5"), "windows-1252", "Patiënt € 5"},
		{[]byte("Pati\xebnt"), "iso-8859-1", "Patiënt"},
		{[]byte("Pati\xebnt \x80"), "", "Patiënt €"}, // not UTF-8, no charset: Windows-1252
		{[]byte("\xef\xbb\xbfPatiënt"), "utf-8", "Patiënt"},
		{[]byte("Pati\xebnt"), "utf-8", "Pati\uFFFDnt"},
	}
	for _, tc := range cases {
		out, err := document.Text(tc.data, tc.charset)
		if err != nil {
			t.Fatal(err)
		}
		if want := `<div class="document document--text">` + tc.want + `</div>`; string(out) != want {
			t.Errorf("%q as %q = %q, want %q", tc.data, tc.charset, out, want)
		}
	}
	if _, err := document.Text([]byte("x"), "shift_jis"); !errors.Is(err, document.ErrUnsupported) {
		t.Errorf("unknown charset: %v", err)
	}
}

func TestDisplayByContentType(t *testing.T) {
	s := document.NewSanitizer()
	cases := []struct {
		contentType string
		data        string
		want        string
		err         error
	}{
		{"text/plain; charset=UTF-8", "a<b", `<div class="document document--text">a&lt;b</div>`, nil},
		{"text/html", "<p onclick=x>a</p>", `<div class="document document--html"><p>a</p></div>`, nil},
		{"application/xhtml+xml", "<p>a</p>", `<div class="document document--html"><p>a</p></div>`, nil},
		{"application/pdf", "%PDF-1.4", "", document.ErrServeAsFile},
		{"image/svg+xml", "<svg onload=x>", "", document.ErrUnsupported},
		{"application/msword", "x", "", document.ErrUnsupported},
		{"text/html; charset=\"", "x", "", document.ErrUnsupported},
	}
	for _, tc := range cases {
		out, err := s.Display(tc.contentType, []byte(tc.data))
		if !errors.Is(err, tc.err) || string(out) != tc.want {
			t.Errorf("Display(%q) = %q, %v; want %q, %v", tc.contentType, out, err, tc.want, tc.err)
		}
	}
}

func TestSanitizedHTMLIsNotEscapedAgainByTemplates(t *testing.T) {
	out, _ := document.NewSanitizer().HTML([]byte("<p>Geachte <em>collega</em></p><script>x</script>"), "")
	tmpl := template.Must(template.New("").Parse(`<section>{{.}}</section>`))
	var b strings.Builder
	if err := tmpl.Execute(&b, out); err != nil {
		t.Fatal(err)
	}
	if b.String() != `<section><div class="document document--html"><p>Geachte <em>collega</em></p></div></section>` {
		t.Errorf("in a template: %s", b.String())
	}
}

func TestPDFFileName(t *testing.T) {
	date := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	cases := []struct{ title, want string }{
		{"Ontslagbrief", "ontslagbrief-2026-02-03.pdf"},
		{"Verpleegkundige overdracht Zoë Ünal", "verpleegkundige-overdracht-zoe-unal-2026-02-03.pdf"},
		{`"; filename=evil.html`, "filename-evil-html-2026-02-03.pdf"},
		{"../../etc/passwd", "etc-passwd-2026-02-03.pdf"},
		{"a\r\nSet-Cookie: zvp=1", "a-set-cookie-zvp-1-2026-02-03.pdf"},
		{"<script>alert(1)</script>", "script-alert-1-script-2026-02-03.pdf"},
		{"", "document-2026-02-03.pdf"},
		{"日本語", "document-2026-02-03.pdf"},
		{strings.Repeat("lang ", 40), strings.TrimSuffix(strings.Repeat("lang-", 12), "-") + "-2026-02-03.pdf"},
	}
	for _, tc := range cases {
		if got := document.PDFFileName(tc.title, date); got != tc.want {
			t.Errorf("PDFFileName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
	if got := document.PDFFileName("Brief", time.Time{}); got != "brief.pdf" {
		t.Errorf("without date: %q", got)
	}
}

func TestServePDF(t *testing.T) {
	pdf := []byte("%PDF-1.4\n% a test file\n%%EOF\n")
	for _, download := range []bool{false, true} {
		t.Run(fmt.Sprintf("download=%v", download), func(t *testing.T) {
			rec := httptest.NewRecorder()
			// The portal's middleware has set its page headers already; the PDF's must replace them.
			rec.Header().Set("Content-Security-Policy", "default-src 'none'; frame-src 'self'")
			rec.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
			err := document.ServePDF(rec, httptest.NewRequest(http.MethodGet, "/x", nil), document.PDF{
				Data: pdf, Title: `Ontslagbrief "; x=<script>`, Date: time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC), Download: download})
			if err != nil {
				t.Fatal(err)
			}
			h := rec.Header()
			want := map[string]string{
				"Content-Type":            "application/pdf",
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox",
				"X-Frame-Options":         "DENY",
				"Cache-Control":           "no-store",
				"Referrer-Policy":         "no-referrer",
				"Last-Modified":           "",
				"Etag":                    "",
			}
			for name, value := range want {
				if got := h.Get(name); got != value {
					t.Errorf("%s = %q, want %q", name, got, value)
				}
			}
			disposition, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
			wantDisposition := map[bool]string{false: "inline", true: "attachment"}[download]
			if err != nil || disposition != wantDisposition || params["filename"] != "ontslagbrief-x-script-2026-02-03.pdf" {
				t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
			}
			if rec.Code != http.StatusOK || rec.Body.String() != string(pdf) {
				t.Errorf("status %d, body %q", rec.Code, rec.Body.String())
			}
		})
	}

	t.Run("range", func(t *testing.T) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Range", "bytes=0-4")
		if err := document.ServePDF(rec, req, document.PDF{Data: pdf, Title: "x"}); err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusPartialContent || rec.Body.String() != "%PDF-" {
			t.Errorf("range: %d %q", rec.Code, rec.Body.String())
		}
	})

	t.Run("not a PDF", func(t *testing.T) {
		for _, data := range []string{"<html><script>alert(1)</script>", " %PDF-1.4", "", "%PDF"} {
			rec := httptest.NewRecorder()
			err := document.ServePDF(rec, httptest.NewRequest(http.MethodGet, "/x", nil), document.PDF{Data: []byte(data)})
			if !errors.Is(err, document.ErrNotPDF) {
				t.Errorf("%q: err %v", data, err)
			}
			if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
				t.Errorf("%q: something was written before the refusal", data)
			}
		}
	})
}

func TestKindOf(t *testing.T) {
	cases := []struct {
		ct      string
		kind    document.Kind
		charset string
	}{
		{"text/plain", document.KindText, ""},
		{"TEXT/HTML; Charset=ISO-8859-1", document.KindHTML, "iso-8859-1"},
		{"application/pdf", document.KindPDF, ""},
	}
	for _, tc := range cases {
		kind, charset, err := document.KindOf(tc.ct)
		if err != nil || kind != tc.kind || charset != tc.charset {
			t.Errorf("KindOf(%q) = %v %q %v", tc.ct, kind, charset, err)
		}
	}
}

func BenchmarkSanitizeLetter(b *testing.B) {
	letter := []byte(strings.Repeat(`<h2>Beloop</h2><p>Patiënt werd <b>opgenomen</b> met <em>pneumonie</em>.</p><table><tr><td>Hb</td><td>7,9</td></tr></table>`, 50))
	s := document.NewSanitizer()
	b.SetBytes(int64(len(letter)))
	for b.Loop() {
		if _, err := s.HTML(letter, ""); err != nil {
			b.Fatal(err)
		}
	}
}
