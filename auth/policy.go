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
	// Administrators lists the UZI numbers of hospital staff who manage the portal; their N cards are
	// always admitted, whatever AdmitEmployeeCards says, because they are the hospital's own people.
	Administrators []string
	// HasScope reports whether a role has data to see (access.role_scope); a role without any is refused
	// at login, so that no provider lands in an empty portal. Nil: every admitted role has a scope.
	HasScope func(role string) bool
}

// PolicyFromConfig reads the policy from uzi.admit_employee_cards, uzi.admitted_roles and
// hospital.administrators.
func PolicyFromConfig(cfg config.Config) Policy {
	p := Policy{AdmitEmployeeCards: cfg.UZI.AdmitEmployeeCards}
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

// IsAdministrator reports whether the UZI number is one of the hospital's administrators.
func (p Policy) IsAdministrator(uziNumber string) bool {
	return uziNumber != "" && slices.Contains(p.Administrators, uziNumber)
}

// Check decides on the card type and the role. Z cards pass when their role is admitted and not one of
// the never-admitted roles; N cards pass for administrators, and for everybody else only when employee
// cards are admitted; M and S cards never pass. The result is nil or a *Refusal.
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
		if p.IsAdministrator(id.UZINumber) || p.AdmitEmployeeCards {
			return nil
		}
		return &Refusal{Reason: ReasonCardTypeRefused,
			Detail: "named employee card (N) of somebody who is not a hospital administrator, and uzi.admit_employee_cards is off"}
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
