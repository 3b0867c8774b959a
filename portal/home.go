package portal

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// home is the start page. For now it proves the path end to end: who the card says you are.
func (s *Server) home(c echo.Context) error {
	return s.views.render(c, http.StatusOK, "home", s.page(c, "home.title", nil))
}
