package auth

import (
	"fmt"
	"slices"
	"strings"

	"zorgverlenersportaal/config"
	"zorgverlenersportaal/uzi"
)

// Policy is the hospital's admission rule for card types and roles (DESIGN.md §2 items 4 and 6). It is
// applied to a parsed, chain-verified UZI identity when a session starts.
type Policy struct {
	// AdmitEmployeeCards admits N cards (named employees) as delegated staff.
	AdmitEmployeeCards bool
	// AdmittedRoles lists admitted UZI role codes; a code ending in * admits every code with that prefix.
	AdmittedRoles []string
	// Administrators lists the UZI numbers of hospital staff who manage the portal. A UZI number stays
	// with a person across cards and organisations, so it alone does not make an administrator: see
	// IsAdministrator.
	Administrators []string
	// HasScope reports whether a role has data to see (access.role_scope); a role without any is refused
	// at login, so that no provider lands in an empty portal. Nil: every admitted role has a scope.
	HasScope func(role string) bool
	// HospitalURA is the URA of the hospital that runs the portal (hospital.ura): an administrator's card
	// must be issued for it.
	HospitalURA string
}

// PolicyFromConfig reads the policy from uzi.admit_employee_cards, uzi.admitted_roles,
// hospital.administrators and hospital.ura.
func PolicyFromConfig(cfg config.Config) Policy {
	p := Policy{AdmitEmployeeCards: cfg.UZI.AdmitEmployeeCards, HospitalURA: strings.TrimSpace(cfg.Hospital.URA)}
	p.AdmittedRoles = append(p.AdmittedRoles, cfg.UZI.AdmittedRoles...)
	for _, a := range cfg.Hospital.Administrators {
		p.Administrators = append(p.Administrators, strings.TrimSpace(a))
	}
	return p
}

// neverAdmitted are the roles refused whatever the configuration says: insurers, company doctors and
// employers never get access to hospital records through this portal.
var neverAdmitted = map[string]string{
	"01.008": "bedrijfsarts (company doctor)",
	"01.048": "verzekeringsarts (insurance doctor)",
	"01.055": "arts maatschappij en gezondheid (public-health doctor)",
}

// NeverAdmittedRoles lists the role codes no configuration can admit, for documentation and tests.
func NeverAdmittedRoles() []string {
	out := make([]string, 0, len(neverAdmitted))
	for code := range neverAdmitted {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// IsAdministrator reports whether the card is an administrator's: a named employee card (N, the card the
// UZI-register issues to an organisation's staff) issued for the hospital's own URA, of a UZI number named
// in hospital.administrators. The same person's card for another organisation, or their zorgverlenerpas,
// is an ordinary card: the UZI number follows the person, the URA says for whom they act, and a person who
// leaves the hospital loses the hospital's card with it.
func (p Policy) IsAdministrator(id uzi.Identity) bool {
	return id.UZINumber != "" && p.HospitalURA != "" &&
		id.CardType == uzi.CardMedewerkerOpNaam &&
		id.SubscriberNumber == p.HospitalURA &&
		slices.Contains(p.Administrators, id.UZINumber)
}

// Check decides on the card type and the role. Z cards pass when their role is admitted and not one of
// the never-admitted roles; N cards pass for administrators (IsAdministrator: their UZI number on a card of
// the hospital's URA), and for everybody else only when employee cards are admitted; M and S cards never pass. The result is nil or a *Refusal.
func (p Policy) Check(id uzi.Identity) error {
	switch id.CardType {
	case uzi.CardZorgverlener:
		if what, never := neverAdmitted[id.RoleCode]; never {
			return &Refusal{Reason: ReasonRoleNeverAdmitted,
				Detail: fmt.Sprintf("role %s, %s, is never admitted", id.RoleCode, what)}
		}
		if !roleAdmitted(p.AdmittedRoles, id.RoleCode) {
			return &Refusal{Reason: ReasonRoleNotAdmitted,
				Detail: fmt.Sprintf("role %s is not in uzi.admitted_roles (%s)", id.RoleCode, strings.Join(p.AdmittedRoles, ", "))}
		}
		if p.HasScope != nil && !p.HasScope(id.RoleCode) {
			return &Refusal{Reason: ReasonRoleNotAdmitted,
				Detail: fmt.Sprintf("role %s is covered by uzi.admitted_roles but access.role_scope gives it no data to see", id.RoleCode)}
		}
		return nil
	case uzi.CardMedewerkerOpNaam:
		if p.IsAdministrator(id) || p.AdmitEmployeeCards {
			return nil
		}
		return &Refusal{Reason: ReasonCardTypeRefused,
			Detail: fmt.Sprintf("named employee card (N) for URA %s, not of a hospital administrator (hospital.administrators on a card of hospital.ura %s), and uzi.admit_employee_cards is off", id.SubscriberNumber, p.HospitalURA)}
	}
	return &Refusal{Reason: ReasonCardTypeRefused, Detail: fmt.Sprintf("card type %q is never admitted", id.CardType)}
}

// roleAdmitted matches a role code against the configured codes and prefixes ("17.*", "01.0*").
func roleAdmitted(patterns []string, role string) bool {
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if strings.HasPrefix(role, prefix) {
				return true
			}
		} else if p == role {
			return true
		}
	}
	return false
}
