package portal

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"zorgverlenersportaal/static"
)

// staticFile serves one embedded asset. It cleans the path itself and serves files only — no directory
// listings, no escaping the embedded tree — rather than relying on a generic file server.
func (s *Server) staticFile(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	if name == "" || !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	data, err := fs.ReadFile(static.FS, name)
	if err != nil {
		return echo.ErrNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	c.Response().Header().Del("Pragma")
	return c.Blob(http.StatusOK, ctype, data)
}

// favicon answers the browser's own request for /favicon.ico with the portal's icon, so that it is not a
// 404 in every log; modern browsers read the SVG under that name as well.
func (s *Server) favicon(c echo.Context) error {
	data, err := fs.ReadFile(static.FS, "img/favicon.svg")
	if err != nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", data)
}
