package document

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitizer turns imported HTML into markup that can sit inside a portal page. Build it once with
// NewSanitizer; it is safe for concurrent use.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// NewSanitizer builds the allow-list. What is kept, and why everything else goes:
//
//   - Structure: headings, paragraphs, line breaks, rules, lists, definition lists, tables (with
//     caption, colspan, rowspan, scope), emphasis, sub- and superscript, quotes, pre and code. That is
//     what a discharge letter or a radiology report needs to be read.
//   - Links: only absolute http, https and mailto URLs, opened in a new tab with rel="nofollow
//     noreferrer noopener", so that they neither run script (javascript:, data:, vbscript:) nor point
//     into the portal with the provider's session (relative URLs are dropped with the link, the text
//     stays).
//   - Dropped with their content: script, style, iframe, object, embed, svg, math, template, form
//     controls, noscript. They run code, load things or hide text.
//   - Dropped, content kept: every other element, e.g. form, font, center.
//   - No attributes except those named above: no event handlers, no style (also "CSS expression"), no
//     class or id (they could borrow the portal's own look, a warning box say, or clobber its DOM), no
//     src (no images at all: an external image reports who read the letter and when; data: images are
//     refused as well — the PDF or the hospital's own system shows the original).
//
// The page's Content-Security-Policy (no inline script, no inline style) is the second line of defence,
// not the first.
func NewSanitizer() *Sanitizer {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
		"strong", "em", "b", "i", "u", "s", "small", "sub", "sup", "mark", "abbr", "q", "cite", "del", "ins",
		"blockquote", "pre", "code",
	)
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("ol")
	p.AllowAttrs("title").OnElements("abbr")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.SkipElementsContent("script", "style", "iframe", "frame", "frameset", "noframes", "object", "embed",
		"applet", "noembed", "noscript", "template", "svg", "math", "select", "textarea", "button", "head", "title")
	p.AddSpaceWhenStrippingTag(true)
	return &Sanitizer{policy: p}
}

// headingShift is how many levels imported headings move down: the dossier page has its h1 and the
// document's own title as h2, so a letter's h1 becomes an h3 and the page outline stays intact.
const headingShift = 2

// HTML sanitises an HTML document (charset as in its content type; "" for UTF-8) and returns it inside
// <div class="document document--html">. It runs the allow-list, then re-parses the result with the
// HTML5 parser and writes it out again, so that unclosed tags close inside the document instead of
// swallowing the rest of the page, shifts the headings down, and runs the allow-list once more over
// the final markup.
func (s *Sanitizer) HTML(data []byte, charset string) (template.HTML, error) {
	text, err := decode(data, charset)
	if err != nil {
		return "", err
	}
	clean := s.policy.Sanitize(text)
	balanced, err := rebalance(clean)
	if err != nil {
		return "", err
	}
	return template.HTML(`<div class="document document--html">` + s.policy.Sanitize(balanced) + `</div>`), nil
}

// rebalance parses sanitised markup as the content of a <div>, the way a browser will, moves headings
// down a level or two, and renders the tree again: every element the result opens, it also closes.
func rebalance(markup string) (string, error) {
	container := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(markup), container)
	if err != nil {
		return "", fmt.Errorf("document: re-parse sanitised HTML: %w", err)
	}
	var b strings.Builder
	for _, n := range nodes {
		shiftHeadings(n)
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("document: render sanitised HTML: %w", err)
		}
	}
	return b.String(), nil
}

var headingAtoms = []atom.Atom{atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}

func shiftHeadings(n *html.Node) {
	if n.Type == html.ElementNode {
		for level, a := range headingAtoms {
			if n.DataAtom == a {
				to := headingAtoms[min(level+headingShift, len(headingAtoms)-1)]
				n.DataAtom, n.Data = to, to.String()
				break
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		shiftHeadings(c)
	}
}

// Text shows plain text as text: escaped, line endings normalised, control characters other than tab
// and newline removed, inside <div class="document document--text">, whose style keeps the line breaks
// and the spacing (plain-text reports often align columns with spaces).
func Text(data []byte, charset string) (template.HTML, error) {
	text, err := decode(data, charset)
	if err != nil {
		return "", err
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || (r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0)) {
			return r
		}
		return -1
	}, text)
	text = strings.Trim(text, "\n")
	return template.HTML(`<div class="document document--text">` + template.HTMLEscapeString(text) + `</div>`), nil
}

// Display returns the markup for a text or HTML document by its stored content type. A PDF gives
// ErrServeAsFile: it is offered through a link to a route that calls ServePDF.
func (s *Sanitizer) Display(contentType string, data []byte) (template.HTML, error) {
	kind, charset, err := KindOf(contentType)
	if err != nil {
		return "", err
	}
	switch kind {
	case KindText:
		return Text(data, charset)
	case KindHTML:
		return s.HTML(data, charset)
	}
	return "", ErrServeAsFile
}
