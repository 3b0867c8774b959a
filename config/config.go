// Package config holds every setting of the portal: defaults that run out of the box, a JSON file that a
// hospital keeps under configuration management, and environment overrides for containers and tests.
//
// It imports only the standard library so that every other package can depend on it without cycles.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// FileName is the name of the configuration file inside the data folder; the demo writes one there so that
// an operator can see (and change) every setting the demo runs with.
const FileName = "portal.json"

// EnvPrefix starts the name of every environment override, e.g. ZVP_ADDR or ZVP_SESSION_IDLE_TIMEOUT.
const EnvPrefix = "ZVP_"

// Config is the complete configuration of one portal instance. The JSON names are the configuration keys
// that the README documents and that Validate names when a value is wrong.
type Config struct {
	// DataDir holds the database, the generated keys and (for the demo) the development PKI. It is the
	// --data flag, not a key of the file: the file usually lives in this very folder.
	DataDir string `json:"-"`
	// Addr is the HTTPS (mutual TLS) listen address of the portal.
	Addr string `json:"addr"`
	// Database is the SQLite file; relative paths are taken inside DataDir.
	Database string `json:"database"`
	// Language is the default language of the screens ("nl" or "en").
	Language string `json:"language"`

	TLS        TLSConfig        `json:"tls"`
	UZI        UZIConfig        `json:"uzi"`
	Revocation RevocationConfig `json:"revocation"`
	Session    SessionConfig    `json:"session"`
	Hospital   HospitalConfig   `json:"hospital"`
	Access     AccessConfig     `json:"access"`
	Audit      AuditConfig      `json:"audit"`
	Ops        OpsConfig        `json:"ops"`
	Screens    ScreensConfig    `json:"screens"`
	Digest     DigestConfig     `json:"digest"`
	Limits     LimitsConfig     `json:"limits"`
	DevPKI     DevPKIConfig     `json:"dev_pki"`
}

// TLSConfig names the server certificate and the bundle of UZI CA certificates that client certificates
// must chain to. The server certificate is separate from the UZI hierarchy on purpose: it is an ordinary
// web server certificate.
type TLSConfig struct {
	CertFile     string `json:"cert_file"`
	KeyFile      string `json:"key_file"`
	ClientCAFile string `json:"client_ca_file"`
	// MinVersion is "1.2" or "1.3"; TLS 1.3 is always preferred when the client offers it.
	MinVersion string `json:"min_version"`
	// MaxVersion caps the TLS version: "1.2" for smartcards whose middleware cannot sign RSA-PSS, which
	// TLS 1.3 requires for the client's handshake signature (such a card fails the handshake under 1.3);
	// "1.3" or empty for no cap.
	MaxVersion string `json:"max_version"`
}

// UZIConfig says which UZI certificates the portal accepts: the environment (production, test or the
// development PKI) selects the issuing-CA allow-list and the certificate policies.
type UZIConfig struct {
	// Environment is "production", "test" or "development".
	Environment string `json:"environment"`
	// OIDCAs, when not empty, replaces the environment's allow-list: OID CA -> card type (Z, N, M, S).
	OIDCAs map[string]string `json:"oid_cas"`
	// AuthPolicies, when not empty, replaces the environment's accepted authentication-certificate policies.
	AuthPolicies []string `json:"auth_policies"`
	// AdmitEmployeeCards admits N cards (named employees) for delegated staff.
	AdmitEmployeeCards bool `json:"admit_employee_cards"`
	// AdmittedRoles lists the UZI role codes the hospital admits; "17.*" admits a whole profession.
	AdmittedRoles []string `json:"admitted_roles"`
}

// DefaultCRLRefresh is the default revocation.refresh: four downloads per publication of the
// UZI-register, whose CRLs come every hour, so that a revoked card is refused at most a quarter of an
// hour after the register published its revocation.
const DefaultCRLRefresh = 15 * time.Minute

// MaxCRLRefresh is the longest revocation.refresh allowed: the UZI-register's publication interval.
// Refreshing less often than the register publishes would let a revoked card in for longer than the
// register's own cycle, for nothing.
const MaxCRLRefresh = time.Hour

// RevocationConfig governs the CRL checks. The portal fails closed: without fresh revocation data it
// admits nobody once the grace period after the CRL's nextUpdate has passed.
type RevocationConfig struct {
	// Refresh is how often a CRL is downloaded again (it is also refreshed before its nextUpdate). The
	// UZI-register publishes a new CRL every hour (valid 48 hours): a card it revokes is on the next
	// one, and the portal sees it at most Refresh later. The default, DefaultCRLRefresh, keeps that
	// second wait to a quarter of the register's cycle; more than MaxCRLRefresh is refused.
	Refresh Duration `json:"refresh"`
	// GracePeriod is how long after nextUpdate a CRL may still be used when no newer one can be fetched.
	GracePeriod Duration `json:"grace_period"`
	// OCSP enables an additional OCSP check when the certificate names a responder.
	OCSP bool `json:"ocsp"`
	// FetchTimeout bounds one CRL download or OCSP request, so that a hanging distribution point cannot
	// hold a login (or the background refresh) for long.
	FetchTimeout Duration `json:"fetch_timeout"`
}

// SessionConfig bounds a provider's session. Sessions are bound to the client-certificate fingerprint.
type SessionConfig struct {
	IdleTimeout     Duration `json:"idle_timeout"`
	AbsoluteTimeout Duration `json:"absolute_timeout"`
	// KeysFile holds the session hash and block keys (newest first); generated on first run.
	KeysFile string `json:"keys_file"`
}

// HospitalConfig describes the hospital that runs the portal.
type HospitalConfig struct {
	Name string `json:"name"`
	// URA is the hospital's URA (UZI-register abonneenummer). It has no default: an administrator is
	// recognised by a named employee card (N) issued for this URA, so a wrong value would hand /admin to
	// another organisation's staff.
	URA string `json:"ura"`
	// Administrators lists the UZI numbers of hospital staff who may manage consent and relationships;
	// only their N cards issued for URA open /admin, the same person's other cards are ordinary cards.
	Administrators []string `json:"administrators"`
}

// AccessConfig holds the hospital's access policy: which data each kind of provider may see, how long
// relationships last when nobody ends them, and the emergency procedure. The rules themselves (no consent
// means no, a relationship is always needed) are not configurable.
type AccessConfig struct {
	// RoleScope maps a UZI role code ("01.015") or prefix ("17.*") to the recipient category whose consent
	// applies and the data categories the role may see; the most specific pattern wins. Company, insurance
	// and public-health doctors never get anything, whatever this says.
	RoleScope map[string]RoleScopeConfig `json:"role_scope"`
	// RelationshipDays is the default lifetime, in days, of relationships that expire by themselves.
	RelationshipDays RelationshipDaysConfig `json:"relationship_days"`
	// Emergency governs the emergency procedure (noodprocedure).
	Emergency EmergencyConfig `json:"emergency"`
}

// RoleScopeConfig is one row of the role-scope matrix.
type RoleScopeConfig struct {
	// Recipient is the consent recipient category of the role: huisartsen, apotheken,
	// medisch_specialisten, ouderen_gehandicaptenzorg or verpleging_thuiszorg.
	Recipient string `json:"recipient"`
	// Categories lists the data categories the role may see; empty means nothing.
	Categories []string `json:"categories"`
}

// RelationshipDaysConfig gives the default lifetime of each relationship kind that is not open-ended
// (the registered GP practice and the pharmacy of record last until changed). Staff may set another end.
type RelationshipDaysConfig struct {
	Referrer           int `json:"referrer"`
	DischargeRecipient int `json:"discharge_recipient"`
	Invited            int `json:"invited"`
	Covering           int `json:"covering"`
}

// EmergencyConfig governs emergency access: a provider without a relationship opens a patient whose
// consent covers them after stating a reason. It never overrides missing or refused consent.
type EmergencyConfig struct {
	Enabled bool `json:"enabled"`
	// Duration is how long the emergency relationship lasts.
	Duration Duration `json:"duration"`
	// MinReasonLength is the least number of characters of the stated reason.
	MinReasonLength int `json:"min_reason_length"`
	// MaxPerDay is how many emergencies one provider may open in any 24 hours; beyond it the procedure
	// is refused with a page that says so, and the provider asks the hospital for a relationship.
	MaxPerDay int `json:"max_per_day"`
}

// DataCategories lists the data categories the role scope may name, in the order of the dossier tabs.
// portal/access checks that it equals its own list.
var DataCategories = []string{"summary", "encounters", "problems", "allergies", "medication", "lab", "reports", "letters", "imaging"}

// RecipientCategories lists the consent recipient categories; portal/access checks it against its own.
var RecipientCategories = []string{"huisartsen", "apotheken", "medisch_specialisten", "ouderen_gehandicaptenzorg", "verpleging_thuiszorg"}

// NeverAdmittedRoles are the company doctor, insurance doctor and public-health doctor, and cards without
// a care-provider role: they never see patient data, so the role scope may not give them any.
var NeverAdmittedRoles = []string{"01.008", "01.048", "01.055", "00.000"}

// AuditConfig governs the NEN 7513 access log.
type AuditConfig struct {
	// RetentionYears is how long access records are kept: `audit purge` removes only older records. At
	// least 5 years is the figure commonly cited for access logs; the database itself refuses to purge
	// any record younger than one year, so values below 1 are refused here too.
	RetentionYears int `json:"retention_years"`
	// CheckpointFile receives the signed checkpoints of the log's head, one JSON line each: the witness
	// outside the database that `audit verify --checkpoints` checks the log against. Ship it (or the
	// server log, which carries the same lines) to a place the database's administrators cannot change.
	CheckpointFile string `json:"checkpoint_file"`
	// CheckpointKeyFile is the Ed25519 key that signs the checkpoints (generated on first run). It never
	// goes into the database; whoever holds it can forge checkpoints.
	CheckpointKeyFile string `json:"checkpoint_key_file"`
	// CheckpointPublicKeyFile is the public half, which verification trusts; keep a copy elsewhere.
	CheckpointPublicKeyFile string `json:"checkpoint_public_key_file"`
	// CheckpointInterval is how often the running portal writes a checkpoint while the log grows; it
	// also writes one at shutdown.
	CheckpointInterval Duration `json:"checkpoint_interval"`
}

// OpsConfig places the operations listener: plain HTTP with /healthz and /metrics for a load balancer and
// monitoring, which have no smartcard and so cannot pass the portal's mutual TLS. It never shows patient
// data, and it listens on the loopback interface unless an operator chooses otherwise.
type OpsConfig struct {
	// Addr is the listen address (host:port); empty, or "off" in the environment, switches it off.
	Addr string `json:"addr"`
	// Pprof adds Go's profiler (/debug/pprof/) to the operations listener, to find where the portal
	// spends its time under load. Profiles show code paths and sizes, never request contents; still, keep
	// it off unless someone is looking.
	Pprof bool `json:"pprof"`
}

// Disabled reports whether the operations listener is switched off: an empty address (in the file) or
// "off" (an empty environment variable would mean "not set").
func (o OpsConfig) Disabled() bool {
	a := strings.TrimSpace(o.Addr)
	return a == "" || strings.EqualFold(a, "off")
}

// ScreensConfig tunes the provider's screens: what "recently discharged" means on the start page, and
// how many patient searches one provider may do per minute (a search by BSN and birth date must not
// become a way to try BSNs in bulk).
type ScreensConfig struct {
	// RecentDischargeDays is how many days back the start page's filter "recently discharged" looks.
	RecentDischargeDays int `json:"recent_discharge_days"`
	// SearchesPerMinute bounds the patient searches of one provider (by UZI number) per minute; more
	// are refused with a "too many searches" page and logged.
	SearchesPerMinute int `json:"searches_per_minute"`
}

// DigestConfig switches on the optional daily e-mail that tells a provider how many new items wait in
// the portal (never which patient): the hospital's SMTP relay, the sender, the local times at which
// digests go out, and the address of the portal that the mail links to. Off unless Enabled.
type DigestConfig struct {
	// Enabled switches the digest and the page where providers register an address on.
	Enabled bool `json:"enabled"`
	// SMTPAddr is the relay as host:port; the portal sends through it with net/smtp.
	SMTPAddr string `json:"smtp_addr"`
	// RequireTLS refuses to hand a mail to a relay that does not offer STARTTLS.
	RequireTLS bool `json:"require_tls"`
	// From is the sender address of the mails.
	From string `json:"from"`
	// SendAt are the local times (Europe/Amsterdam, "HH:MM") at which digests go out; a provider gets at
	// most one a day, at the first of these times at which something new waits.
	SendAt []string `json:"send_at"`
	// PortalURL is the portal's address as providers reach it, the only link a digest carries.
	PortalURL string `json:"portal_url"`
	// ConfirmWithin is how long the link that confirms an address stays valid.
	ConfirmWithin Duration `json:"confirm_within"`
}

// LimitsConfig bounds what one client can make the portal do: how long it may take over a handshake and
// a request (a client that sends its headers a byte at a time must not hold a connection for ever), how
// large a request may be, and how many refused logins one card or one address may cause per minute (each
// refusal is a durable write to the access log, which must not be anyone's to fill).
type LimitsConfig struct {
	// HandshakeTimeout bounds one TLS handshake.
	HandshakeTimeout Duration `json:"handshake_timeout"`
	// ReadHeaderTimeout bounds reading a request's line and headers.
	ReadHeaderTimeout Duration `json:"read_header_timeout"`
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout Duration `json:"read_timeout"`
	// WriteTimeout bounds writing the response (from the end of the request's headers).
	WriteTimeout Duration `json:"write_timeout"`
	// IdleTimeout is how long a kept-alive connection may wait for its next request.
	IdleTimeout Duration `json:"idle_timeout"`
	// MaxHeaderBytes bounds the request line and headers together.
	MaxHeaderBytes int `json:"max_header_bytes"`
	// MaxBodyBytes bounds a request body; the portal's forms are small.
	MaxBodyBytes int `json:"max_body_bytes"`
	// MaxFormFields bounds the number of fields of a submitted form.
	MaxFormFields int `json:"max_form_fields"`
	// RefusedLoginsPerMinute bounds the refused logins of one certificate per minute; beyond it the card
	// gets the "too many refused logins" page and the refusals are no longer written one by one.
	RefusedLoginsPerMinute int `json:"refused_logins_per_minute"`
	// RefusedLoginsPerAddressPerMinute does the same per client address, which a practice's providers may
	// share behind one router: it is higher.
	RefusedLoginsPerAddressPerMinute int `json:"refused_logins_per_address_per_minute"`
}

// DevPKIConfig switches on the development UZI-register: the portal then serves the development CA's
// CRLs over plain HTTP on CRLAddr, the address the development cards name as CRL distribution point.
type DevPKIConfig struct {
	Enabled bool   `json:"enabled"`
	CRLAddr string `json:"crl_addr"`
}

// Default returns a configuration that runs the portal from dataDir with the development PKI.
func Default(dataDir string) Config {
	return Config{
		DataDir:  dataDir,
		Addr:     "localhost:8443",
		Database: "portal.db",
		Language: "nl",
		TLS: TLSConfig{
			CertFile:     "server.pem",
			KeyFile:      "server.key",
			ClientCAFile: "uzi-ca-bundle.pem",
			MinVersion:   "1.2",
		},
		UZI: UZIConfig{
			Environment: "development",
			AdmittedRoles: []string{
				"01.015", "01.004", // huisarts, apotheekhoudend huisarts
				"01.047", "01.056", // specialist ouderengeneeskunde, arts verstandelijk gehandicapten
				"17.*",  // apothekers
				"30.*",  // verpleegkundigen
				"01.0*", // medical specialists; company, insurance and public-health doctors are refused regardless
			},
		},
		Revocation: RevocationConfig{
			Refresh:      Duration{Duration: DefaultCRLRefresh},
			GracePeriod:  Duration{Duration: 4 * time.Hour},
			FetchTimeout: Duration{Duration: 15 * time.Second},
		},
		Session: SessionConfig{
			IdleTimeout:     Duration{Duration: 15 * time.Minute},
			AbsoluteTimeout: Duration{Duration: 12 * time.Hour},
			KeysFile:        "keys/session.keys",
		},
		Hospital: HospitalConfig{
			Name: "Ziekenhuis Rivierenland",
		},
		Access: defaultAccess(),
		Audit: AuditConfig{
			RetentionYears:          5,
			CheckpointFile:          "audit-checkpoints.jsonl",
			CheckpointKeyFile:       "keys/audit-checkpoint.key",
			CheckpointPublicKeyFile: "keys/audit-checkpoint.pub",
			CheckpointInterval:      Duration{Duration: 15 * time.Minute},
		},
		Ops: OpsConfig{
			Addr: "127.0.0.1:9090",
		},
		Screens: ScreensConfig{
			RecentDischargeDays: 14,
			SearchesPerMinute:   10,
		},
		Digest: DigestConfig{
			RequireTLS:    true,
			SendAt:        []string{"07:00"},
			ConfirmWithin: Duration{Duration: 48 * time.Hour},
		},
		Limits: LimitsConfig{
			HandshakeTimeout:                 Duration{Duration: 10 * time.Second},
			ReadHeaderTimeout:                Duration{Duration: 10 * time.Second},
			ReadTimeout:                      Duration{Duration: 30 * time.Second},
			WriteTimeout:                     Duration{Duration: 60 * time.Second},
			IdleTimeout:                      Duration{Duration: time.Minute},
			MaxHeaderBytes:                   32 << 10,
			MaxBodyBytes:                     64 << 10,
			MaxFormFields:                    100,
			RefusedLoginsPerMinute:           10,
			RefusedLoginsPerAddressPerMinute: 60,
		},
		DevPKI: DevPKIConfig{
			Enabled: true,
			CRLAddr: "localhost:8480",
		},
	}
}

// defaultAccess is the access policy of DESIGN.md §3: GPs, medical specialists and SO/AVG physicians see
// everything, pharmacists summary, allergies, medication and lab, nurses summary, allergies, medication
// and encounters, everyone else nothing.
func defaultAccess() AccessConfig {
	all := func() []string { return slices.Clone(DataCategories) }
	nothing := RoleScopeConfig{Categories: []string{}}
	return AccessConfig{
		RoleScope: map[string]RoleScopeConfig{
			"01.015": {Recipient: "huisartsen", Categories: all()},
			"01.004": {Recipient: "huisartsen", Categories: all()},
			"01.047": {Recipient: "ouderen_gehandicaptenzorg", Categories: all()},
			"01.056": {Recipient: "ouderen_gehandicaptenzorg", Categories: all()},
			"01.0*":  {Recipient: "medisch_specialisten", Categories: all()},
			// 01.000 "arts" is a physician without a registered specialism (basisarts, ziekenhuisarts; what
			// the UZI-register's TEST passes carry). Such a physician treats under the responsibility of a
			// specialist, most often in a hospital or a nursing home, and needs the same clinical picture:
			// every category, under the consent given for medical specialists and hospitals (the
			// relationship rule still limits them to their own patients). Youth-health doctors and the
			// never-admitted roles are no treating physicians: they get nothing although "01.0*" covers
			// their codes, and admission refuses them (a role without a scope is never admitted).
			"01.000": {Recipient: "medisch_specialisten", Categories: all()},
			"01.008": nothing,
			"01.048": nothing,
			"01.055": nothing,
			"01.070": nothing,
			"17.*":   {Recipient: "apotheken", Categories: []string{"summary", "allergies", "medication", "lab"}},
			"30.*":   {Recipient: "verpleging_thuiszorg", Categories: []string{"summary", "allergies", "medication", "encounters"}},
		},
		RelationshipDays: RelationshipDaysConfig{
			Referrer:           365,
			DischargeRecipient: 90,
			Invited:            30,
			Covering:           14,
		},
		Emergency: EmergencyConfig{
			Enabled:         true,
			Duration:        Duration{Duration: 24 * time.Hour},
			MinReasonLength: 20,
			MaxPerDay:       3,
		},
	}
}

// Load builds the configuration: defaults, then the file (when it exists), then the environment, then
// Validate. An empty path means DataDir/portal.json. getenv is os.Getenv outside tests.
func Load(dataDir, path string, getenv func(string) string) (Config, error) {
	cfg := Default(dataDir)
	if path == "" {
		path = filepath.Join(dataDir, FileName)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return Config{}, fmt.Errorf("config: read %s: %w", path, err)
	default:
		if err := decodeFile(data, &cfg); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// decodeFile reads a JSON configuration over the defaults and refuses keys it does not know, so that a typo
// in a setting is an error and not a silently ignored line.
func decodeFile(data []byte, cfg *Config) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return fmt.Errorf("line %d: %w", line, err)
		}
		return err
	}
	return nil
}

// Write stores the configuration as indented JSON, so that the demo leaves a readable file behind.
func (c Config) Write(path string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// Path resolves a configured file name: absolute paths stay, relative ones are taken inside DataDir.
func (c Config) Path(name string) string {
	if name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.DataDir, name)
}

// Duration is a time.Duration written as "15m" or "12h" in the file and in the environment.
type Duration struct {
	time.Duration
	// invalid keeps a value that did not parse, so that Validate can name its key (a decoding error could not).
	invalid string
}

// UnmarshalJSON accepts a Go duration string, the only form a human should have to write. A value that does
// not parse is kept aside and reported by Validate together with its key.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		d.invalid = string(b)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.invalid = s
		return nil
	}
	*d = Duration{Duration: v}
	return nil
}

// MarshalJSON writes the duration in the same form UnmarshalJSON reads.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.Duration.String())
}
