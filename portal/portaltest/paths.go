package portaltest

import (
	"strings"

	"zorgverlenersportaal/portal/access"
)

// PatientPath is the address of a patient's dossier followed by the given parts, the way the portal
// writes it: PatientPath(p, "letters", letter.PublicID) is /patients/<public id>/letters/<public id>.
// Tests build addresses with it rather than by hand, so that they follow the portal's address shape.
func PatientPath(p access.Patient, parts ...string) string {
	return strings.Join(append([]string{"/patients/" + p.PublicID}, parts...), "/")
}

// AdminPatientPath is the address of a patient in the administration followed by the given parts:
// AdminPatientPath(p, "consents") is /admin/patients/<public id>/consents.
func AdminPatientPath(p access.Patient, parts ...string) string {
	return "/admin" + PatientPath(p, parts...)
}
