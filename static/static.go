// Package static holds the portal's stylesheets, scripts (progressive enhancement only) and images,
// embedded so that the portal needs no CDN and serves nothing it did not ship with.
package static

import "embed"

// FS holds css/, js/ and img/.
//
//go:embed css js img
var FS embed.FS
