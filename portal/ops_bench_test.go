package portal

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// BenchmarkMeasureRequest is what the metrics cost one request: the measure middleware around a handler
// that does nothing, counting the request by method, route and status class and timing it into the
// latency histogram, once the request's series exist (as they do after the first request of a route).
func BenchmarkMeasureRequest(b *testing.B) {
	s := &Server{monitor: newMonitor()}
	e := echo.New()
	handler := s.measure(func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	req := httptest.NewRequest(http.MethodGet, "/patients/7/access", nil)
	rec := httptest.NewRecorder()
	c := e.NewContext(req, rec)
	c.SetPath("/patients/:id/access")
	b.ReportAllocs()
	for b.Loop() {
		c.Reset(req, rec)
		c.SetPath("/patients/:id/access")
		if err := handler(c); err != nil {
			b.Fatal(err)
		}
	}
}
