package portal

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
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
