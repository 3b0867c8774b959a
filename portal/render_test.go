package portal

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/views"
)

// TestPagesRenderedAtOnceComeOutWhole: pages rendered at the same time, and again and again through the
// pooled buffers, each come out exactly as the page rendered alone: nothing of an earlier or a
// neighbouring page is left in or mixed into a buffer.
func TestPagesRenderedAtOnceComeOutWhole(t *testing.T) {
	r := testRenderer(t)
	now := time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC)
	pages := map[string]Page{"dossier_lab": labPageFixture("nl", now), "patient_access": accessPageFixture(now)}
	want := map[string]string{}
	for name, p := range pages {
		p.Lang = "nl"
		pages[name] = p
		var buf bytes.Buffer
		if err := r.pages["nl"][name].ExecuteTemplate(&buf, "base", p); err != nil {
			t.Fatal(err)
		}
		want[name] = buf.String()
	}
	e := echo.New()
	var wg sync.WaitGroup
	for range 8 {
		for name, p := range pages {
			wg.Go(func() {
				for range 25 {
					rec := httptest.NewRecorder()
					c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
					if err := r.render(c, http.StatusOK, name, p); err != nil {
						t.Error(err)
						return
					}
					if rec.Body.String() != want[name] {
						t.Errorf("%s came out differently when rendered beside other pages", name)
						return
					}
				}
			})
		}
	}
	wg.Wait()
}

// TestDatesNeverGainATime: a value the source recorded as a date (midnight UTC, as the import keeps it)
// and a day computed in Dutch time (midnight in Amsterdam) show as dates; a real moment shows its time in
// Dutch local time, in summer and in winter.
func TestDatesNeverGainATime(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		nl   string
		en   string
	}{
		{"date from the source", time.Date(2013, 12, 8, 0, 0, 0, 0, time.UTC), "8 december 2013", "8 December 2013"},
		{"day in Dutch summer time", time.Date(2033, 3, 28, 22, 0, 0, 0, time.UTC), "29 maart 2033", "29 March 2033"},
		{"day in Dutch winter time", time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC), "3 december 2026", "3 December 2026"},
		{"a moment in winter", time.Date(2022, 1, 3, 0, 13, 0, 0, time.UTC), "3 januari 2022 01:13", "3 January 2022 01:13"},
		{"a moment in summer", time.Date(2026, 7, 1, 12, 30, 0, 0, time.UTC), "1 juli 2026 14:30", "1 July 2026 14:30"},
		{"a second past midnight", time.Date(2026, 7, 1, 0, 0, 1, 0, time.UTC), "1 juli 2026 02:00", "1 July 2026 02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDateTime("nl", tt.at); got != tt.nl {
				t.Errorf("nl: %q, want %q", got, tt.nl)
			}
			if got := formatDateTime("en", &tt.at); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
		})
	}
	if got := formatDateTime("nl", (*time.Time)(nil)); got != "" {
		t.Errorf("nil time: %q", got)
	}
}

// TestRecordedReasonsReadAsSentences: what the access log recorded as a reason reaches Mijn inzages and the
// reports as the sentence the provider saw, in Dutch and English, whichever part of the portal wrote it.
func TestRecordedReasonsReadAsSentences(t *testing.T) {
	cat, err := views.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, reason := range []string{"invalid-input", "item-not-found", "not-found", "rate-limited", "no-consent",
		"consent-withdrawn", "role-not-permitted-category", "revoked", "agb.ended", "tls.expired", "tls.no-certificate"} {
		for _, lang := range []string{"nl", "en"} {
			got := reasonText(cat, lang, reason)
			if got == reason || !strings.Contains(got, " ") {
				t.Errorf("%s: reason %q reads %q", lang, reason, got)
			}
		}
	}
	if got := reasonText(cat, "nl", "something-new"); got != "something-new" {
		t.Errorf("an unknown reason reads %q, want it as it is", got)
	}
}
