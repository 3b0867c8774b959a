package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// KeyError names the configuration key that is wrong and why, so that an operator can fix the right line.
type KeyError struct {
	Key     string
	Problem string
}

// Error reads as "config: session.idle_timeout: must be longer than zero".
func (e *KeyError) Error() string { return "config: " + e.Key + ": " + e.Problem }

var (
	eightDigits = regexp.MustCompile(`^[0-9]{8}$`)
	nineDigits  = regexp.MustCompile(`^[0-9]{9}$`)
	oidPattern  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)+$`)
	// rolePattern accepts a full UZI role code (01.015) or a prefix ending in * (17.*, 01.0*).
	rolePattern = regexp.MustCompile(`^[0-9]{2}\.([0-9]{3}|[0-9]{0,2}\*)$`)
)

// Environments lists the accepted values of uzi.environment.
var Environments = []string{"production", "test", "development"}

// Validate checks every key and reports all problems at once, each naming its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &KeyError{Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	_ = walkKeys(reflect.ValueOf(&c).Elem(), "", func(key string, v reflect.Value) error {
		if d, ok := v.Interface().(Duration); ok && d.invalid != "" {
			bad(key, "%q is not a duration such as \"15m\" or \"12h\"", d.invalid)
		}
		return nil
	})
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "the data folder (--data) must be named")
	}
	if err := checkHostPort(c.Addr); err != nil {
		bad("addr", "%v", err)
	}
	if strings.TrimSpace(c.Database) == "" {
		bad("database", "must name the SQLite file")
	}
	if c.Language != "nl" && c.Language != "en" {
		bad("language", "must be \"nl\" or \"en\", not %q", c.Language)
	}
	for key, v := range map[string]string{"tls.cert_file": c.TLS.CertFile, "tls.key_file": c.TLS.KeyFile, "tls.client_ca_file": c.TLS.ClientCAFile} {
		if strings.TrimSpace(v) == "" {
			bad(key, "must name a PEM file")
		}
	}
	if c.TLS.MinVersion != "1.2" && c.TLS.MinVersion != "1.3" {
		bad("tls.min_version", "must be \"1.2\" or \"1.3\", not %q", c.TLS.MinVersion)
	}
	switch {
	case c.TLS.MaxVersion != "" && c.TLS.MaxVersion != "1.2" && c.TLS.MaxVersion != "1.3":
		bad("tls.max_version", "must be \"1.2\", \"1.3\" or empty (no cap), not %q", c.TLS.MaxVersion)
	case c.TLS.MaxVersion == "1.2" && c.TLS.MinVersion == "1.3":
		bad("tls.max_version", "is 1.2 while tls.min_version is 1.3: no TLS version is left")
	}
	if !slices.Contains(Environments, c.UZI.Environment) {
		bad("uzi.environment", "must be one of %s, not %q", strings.Join(Environments, ", "), c.UZI.Environment)
	}
	for oid, cardType := range c.UZI.OIDCAs {
		if !oidPattern.MatchString(oid) {
			bad("uzi.oid_cas", "%q is not an OID", oid)
		}
		if !slices.Contains([]string{"Z", "N", "M", "S"}, cardType) {
			bad("uzi.oid_cas", "card type of %s must be Z, N, M or S, not %q", oid, cardType)
		}
	}
	for _, p := range c.UZI.AuthPolicies {
		if !oidPattern.MatchString(p) {
			bad("uzi.auth_policies", "%q is not an OID", p)
		}
	}
	if len(c.UZI.AdmittedRoles) == 0 {
		bad("uzi.admitted_roles", "must list at least one role, or nobody can log in")
	}
	for _, r := range c.UZI.AdmittedRoles {
		if !rolePattern.MatchString(r) {
			bad("uzi.admitted_roles", "%q is not a role code such as 01.015 or a prefix such as 17.*", r)
			continue
		}
		// Admission and role scope agree: a role admitted by name must have data to see, and a prefix must
		// lead to some, or its providers land in an empty portal. Codes under an admitted prefix that the
		// scope leaves empty (01.070 under 01.0*) are refused at login instead.
		if slices.Contains(NeverAdmittedRoles, r) {
			continue
		}
		if !c.Access.givesData(r) {
			bad("uzi.admitted_roles", "admits %s, but access.role_scope gives that role no data to see: give it a scope in access.role_scope or remove it from uzi.admitted_roles", r)
		}
	}
	switch {
	case c.Revocation.Refresh.Duration <= 0:
		bad("revocation.refresh", "must be longer than zero")
	case c.Revocation.Refresh.Duration > MaxCRLRefresh:
		bad("revocation.refresh", "must be at most %s: the UZI-register publishes a new CRL every hour, and a revoked card stays in until the portal downloads it", MaxCRLRefresh)
	}
	if c.Revocation.GracePeriod.Duration < 0 {
		bad("revocation.grace_period", "must not be negative")
	}
	if c.Revocation.FetchTimeout.Duration <= 0 {
		bad("revocation.fetch_timeout", "must be longer than zero")
	}
	if c.Session.IdleTimeout.Duration <= 0 {
		bad("session.idle_timeout", "must be longer than zero")
	}
	if c.Session.AbsoluteTimeout.Duration < c.Session.IdleTimeout.Duration {
		bad("session.absolute_timeout", "must not be shorter than session.idle_timeout")
	}
	if strings.TrimSpace(c.Session.KeysFile) == "" {
		bad("session.keys_file", "must name the file that holds the session keys")
	}
	if strings.TrimSpace(c.Hospital.Name) == "" {
		bad("hospital.name", "must name the hospital")
	}
	switch {
	case c.Hospital.URA == "" && len(c.Hospital.Administrators) > 0:
		bad("hospital.ura", "must be the hospital's 8-digit URA when hospital.administrators is set: an administrator is recognised by a named employee card (N) issued for that URA")
	case c.Hospital.URA != "" && !eightDigits.MatchString(c.Hospital.URA):
		bad("hospital.ura", "must be the hospital's 8-digit URA, not %q", c.Hospital.URA)
	}
	for _, a := range c.Hospital.Administrators {
		if !nineDigits.MatchString(a) {
			bad("hospital.administrators", "%q is not a 9-digit UZI number", a)
		}
	}
	c.Access.validate(bad)
	if c.Audit.RetentionYears < 1 || c.Audit.RetentionYears > 100 {
		bad("audit.retention_years", "must be a number of years from 1 to 100 (the database never purges records younger than a year), not %d", c.Audit.RetentionYears)
	}
	for key, file := range map[string]string{"audit.checkpoint_file": c.Audit.CheckpointFile,
		"audit.checkpoint_key_file": c.Audit.CheckpointKeyFile, "audit.checkpoint_public_key_file": c.Audit.CheckpointPublicKeyFile} {
		if strings.TrimSpace(file) == "" {
			bad(key, "must name a file outside the database")
		}
	}
	if c.Audit.CheckpointFile != "" && c.Path(c.Audit.CheckpointFile) == c.Path(c.Database) {
		bad("audit.checkpoint_file", "must not be the database: the checkpoints witness the database from outside")
	}
	if d := c.Audit.CheckpointInterval.Duration; d < time.Minute || d > 24*time.Hour {
		bad("audit.checkpoint_interval", "must be from 1m to 24h: records written after the last checkpoint can be cut off unseen")
	}
	if !c.Ops.Disabled() {
		if err := checkHostPort(c.Ops.Addr); err != nil {
			bad("ops.addr", "%v (or empty to switch the operations listener off)", err)
		} else if c.Ops.Addr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
			bad("ops.addr", "must differ from addr: the operations listener is plain HTTP beside the portal")
		}
	}
	if c.Screens.RecentDischargeDays < 1 || c.Screens.RecentDischargeDays > 365 {
		bad("screens.recent_discharge_days", "must be a number of days from 1 to 365, not %d", c.Screens.RecentDischargeDays)
	}
	if c.Screens.SearchesPerMinute < 1 || c.Screens.SearchesPerMinute > 1000 {
		bad("screens.searches_per_minute", "must be from 1 to 1000, not %d", c.Screens.SearchesPerMinute)
	}
	c.Digest.validate(bad)
	c.Limits.validate(bad)
	if c.DevPKI.Enabled {
		if err := checkHostPort(c.DevPKI.CRLAddr); err != nil {
			bad("dev_pki.crl_addr", "%v", err)
		}
	}
	return errors.Join(errs...)
}

func checkHostPort(addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
		return fmt.Errorf("must be host:port, not %q", addr)
	}
	return nil
}

// validate checks the access policy; bad reports a problem under its key.
func (a AccessConfig) validate(bad func(key, format string, args ...any)) {
	patterns := make([]string, 0, len(a.RoleScope))
	for pattern := range a.RoleScope {
		patterns = append(patterns, pattern)
	}
	slices.Sort(patterns)
	for _, pattern := range patterns {
		scope := a.RoleScope[pattern]
		key := "access.role_scope"
		if !rolePattern.MatchString(pattern) {
			bad(key, "%q is not a role code such as 01.015 or a prefix such as 17.*", pattern)
			continue
		}
		if scope.Recipient != "" && !slices.Contains(RecipientCategories, scope.Recipient) {
			bad(key, "%s: recipient %q is not one of %s", pattern, scope.Recipient, strings.Join(RecipientCategories, ", "))
		}
		if scope.Recipient == "" && len(scope.Categories) > 0 {
			bad(key, "%s: a role that may see data needs a recipient category, whose consent applies", pattern)
		}
		for _, c := range scope.Categories {
			if !slices.Contains(DataCategories, c) {
				bad(key, "%s: category %q is not one of %s", pattern, c, strings.Join(DataCategories, ", "))
			}
		}
		if slices.Contains(NeverAdmittedRoles, pattern) && len(scope.Categories) > 0 {
			bad(key, "%s: company, insurance and public-health doctors and cards without a care-provider role never get access", pattern)
		}
	}
	for _, d := range []struct {
		key  string
		days int
	}{
		{"access.relationship_days.referrer", a.RelationshipDays.Referrer},
		{"access.relationship_days.discharge_recipient", a.RelationshipDays.DischargeRecipient},
		{"access.relationship_days.invited", a.RelationshipDays.Invited},
		{"access.relationship_days.covering", a.RelationshipDays.Covering},
	} {
		if d.days < 1 || d.days > 3660 {
			bad(d.key, "must be a number of days from 1 to 3660, not %d", d.days)
		}
	}
	if d := a.Emergency.Duration.Duration; d <= 0 || d > 7*24*time.Hour {
		bad("access.emergency.duration", "must be longer than zero and at most 168h: emergency access is short-lived")
	}
	if n := a.Emergency.MinReasonLength; n < 10 || n > 500 {
		bad("access.emergency.min_reason_length", "must be from 10 to 500 characters, not %d", n)
	}
	if n := a.Emergency.MaxPerDay; n < 1 || n > 50 {
		bad("access.emergency.max_per_day", "must be a number of emergencies from 1 to 50 per provider per 24 hours, not %d", n)
	}
}

// validate checks the request limits; bad reports a problem under its key. The bounds keep an operator
// from switching a limit off by accident (a zero timeout means "no timeout" to net/http).
func (l LimitsConfig) validate(bad func(key, format string, args ...any)) {
	for _, d := range []struct {
		key      string
		value    time.Duration
		min, max time.Duration
	}{
		{"limits.handshake_timeout", l.HandshakeTimeout.Duration, 100 * time.Millisecond, time.Minute},
		{"limits.read_header_timeout", l.ReadHeaderTimeout.Duration, 100 * time.Millisecond, time.Minute},
		{"limits.read_timeout", l.ReadTimeout.Duration, 100 * time.Millisecond, 10 * time.Minute},
		{"limits.write_timeout", l.WriteTimeout.Duration, time.Second, 10 * time.Minute},
		{"limits.idle_timeout", l.IdleTimeout.Duration, time.Second, time.Hour},
	} {
		if d.value < d.min || d.value > d.max {
			bad(d.key, "must be from %s to %s, not %s", d.min, d.max, d.value)
		}
	}
	if l.ReadHeaderTimeout.Duration > l.ReadTimeout.Duration {
		bad("limits.read_header_timeout", "must not be longer than limits.read_timeout")
	}
	for _, n := range []struct {
		key      string
		value    int
		min, max int
	}{
		{"limits.max_header_bytes", l.MaxHeaderBytes, 4 << 10, 1 << 20},
		{"limits.max_body_bytes", l.MaxBodyBytes, 4 << 10, 10 << 20},
		{"limits.max_form_fields", l.MaxFormFields, 10, 10000},
		{"limits.refused_logins_per_minute", l.RefusedLoginsPerMinute, 1, 1000},
		{"limits.refused_logins_per_address_per_minute", l.RefusedLoginsPerAddressPerMinute, 1, 10000},
	} {
		if n.value < n.min || n.value > n.max {
			bad(n.key, "must be from %d to %d, not %d", n.min, n.max, n.value)
		}
	}
}

// RolePatternMatch gives how specific a match of a role pattern ("01.015", or a prefix "17.*") on a role
// code (or on another pattern, read literally) is: -1 for no match; an exact match beats any prefix; a
// longer prefix beats a shorter one. The role scope and its start-up checks both decide by it.
func RolePatternMatch(pattern, role string) int {
	if pattern == role {
		return 1 << 10
	}
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok && strings.HasPrefix(role, prefix) {
		return len(prefix)
	}
	return -1
}

// givesData reports whether an admitted pattern leads to data: a role code whose row has categories, or a
// prefix whose own row has them or under which some row has them (01.* over 01.015).
func (a AccessConfig) givesData(pattern string) bool {
	if scope, ok := a.scopeOf(pattern); ok && len(scope.Categories) > 0 {
		return true
	}
	prefix, ok := strings.CutSuffix(pattern, "*")
	if !ok {
		return false
	}
	for p, scope := range a.RoleScope {
		if strings.HasPrefix(p, prefix) && len(scope.Categories) > 0 {
			return true
		}
	}
	return false
}

// scopeOf is the role-scope row that the most specific pattern gives role; ok is false when none matches.
func (a AccessConfig) scopeOf(role string) (RoleScopeConfig, bool) {
	best, bestLen := RoleScopeConfig{}, -1
	for pattern, scope := range a.RoleScope {
		if n := RolePatternMatch(pattern, role); n > bestLen {
			best, bestLen = scope, n
		}
	}
	return best, bestLen >= 0
}

// validate checks the digest's settings when it is switched on: a relay to send through, a plain sender
// address, send times that are times of day, and an https address of the portal to link to.
func (d DigestConfig) validate(bad func(key, format string, args ...any)) {
	if d.ConfirmWithin.Duration < 10*time.Minute || d.ConfirmWithin.Duration > 7*24*time.Hour {
		bad("digest.confirm_within", "must be from 10m to 168h, not %s", d.ConfirmWithin.Duration)
	}
	for _, at := range d.SendAt {
		if _, err := time.Parse("15:04", at); err != nil || len(at) != 5 {
			bad("digest.send_at", "%q is not a time of day as HH:MM", at)
		}
	}
	if !d.Enabled {
		return
	}
	if err := checkHostPort(d.SMTPAddr); err != nil {
		bad("digest.smtp_addr", "%v: the SMTP relay the digests go through", err)
	}
	if a, err := mail.ParseAddress(d.From); err != nil || a.Name != "" || a.Address != d.From {
		bad("digest.from", "must be a plain e-mail address such as portaal@ziekenhuis.nl, not %q", d.From)
	}
	if len(d.SendAt) == 0 {
		bad("digest.send_at", "needs at least one time of day at which digests go out")
	}
	if u, err := url.Parse(d.PortalURL); err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		bad("digest.portal_url", "must be the portal's https address as providers reach it, not %q", d.PortalURL)
	}
}
