// Package fhir imports the hospital's FHIR R4 JSON Bundles (collection, transaction, batch, searchset) into
// the portal's store: patients, practitioners, organisations, encounters, appointments, problems,
// allergies, medication, lab results and vital signs, reports, letters with attachments, imaging studies,
// treatment relationships, consent and treatment limits.
//
// One bundle is one database transaction. A resource that cannot be imported is rejected with its reason
// and the rest of the bundle goes on; a bundle that is not a Bundle, or in which a required reference
// resolves nowhere, is rejected whole and changes nothing. Every row keeps its FHIR id (relationships and
// consents a source reference), so importing the same data again updates in place.
//
// The mapping — which resource goes where, which codes decide kinds, and the portal's own import profile
// for relationships and consent — is documented in docs/fhir-import.md and next to the code that
// does it (codes.go for the tables).
package fhir
