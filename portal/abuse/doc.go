// Package abuse holds the portal's abuse test suite and nothing else: every attack of the threat model
// in SECURITY.md, tried against a real portal over real mutual TLS (portaltest) with the demo data set,
// each case named after the attack and the defence that must stop it. `go test ./portal/abuse` runs it
// with the other tests; with -v it ends with the line "N attacks, 0 got through".
package abuse
