package portal

import (
	"time"

	"zorgverlenersportaal/portal/dossier"
)

// bannerLimits sorts the treatment limits in force into the banner: the hospital's own limits as text,
// treatment directives with their decision, advance directives apart. Ended and inactive ones are history
// and stay out of the banner. It returns the ids shown, for the access log.
func bannerLimits(clinical *BannerClinical, limits []dossier.TreatmentLimit, now time.Time) []string {
	var ids []string
	for _, l := range limits {
		if !l.InForce(now) {
			continue
		}
		d := BannerDirective{Treatment: l.Description, Decision: l.Decision, Specification: l.Specification,
			AgreedAt: l.RecordedAt, AgreedWith: l.AgreedWith, Comment: l.Comment}
		switch l.Kind {
		case dossier.LimitDirective:
			clinical.Directives = append(clinical.Directives, d)
		case dossier.LimitAdvanceDirective:
			clinical.AdvanceDirectives = append(clinical.AdvanceDirectives, d)
		default:
			clinical.TreatmentLimits = append(clinical.TreatmentLimits, l.Description)
		}
		ids = append(ids, itemID("limit", l.ID))
	}
	return ids
}

// bannerAlerts puts the alerts in force into the banner; it returns the ids shown.
func bannerAlerts(clinical *BannerClinical, alerts []dossier.Alert, now time.Time) []string {
	var ids []string
	for _, a := range alerts {
		if !a.InForce(now) {
			continue
		}
		clinical.Alerts = append(clinical.Alerts, BannerAlert{Text: a.Display, Category: a.Category, Since: a.StartAt,
			ContraIndication: a.Kind == dossier.AlertContraIndication})
		ids = append(ids, itemID("alert", a.ID))
	}
	return ids
}
