// Package views holds the portal's HTML templates and its Dutch and English message catalogues, embedded
// in the binary so that a deployment is one file and the screens cannot drift from the code.
package views

import "embed"

// FS holds layouts/, partials/, pages/, messages/ and documents/ (standalone documents such as the
// printable access report). Pages are parsed once at start-up by the portal.
//
//go:embed layouts partials pages messages documents
var FS embed.FS
