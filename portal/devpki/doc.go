// Package devpki is the development stand-in for the UZI-register: a CA hierarchy shaped like the real
// one (root, level-2 "Persoon" CA, the Zorgverlener CA for Z cards and the Medewerker op naam CA for N
// cards), a table of test cards with the three certificates of a real UZI card each, a separate CA for the
// portal's TLS server certificate, and the revocation lists of the issuing CAs.
//
// It exists so that every part of the portal that depends on a UZI card — the mutual TLS handshake, the
// parsing of the otherName 2.5.5.5 string, the refusal of signing and encryption certificates, the CRL
// check — runs for real in development and in tests, with certificates that follow the profile of the
// CIBG CPS byte for byte but can never be mistaken for production or TEST cards: every issuer name starts
// with "DEV" and the OID CA values lie in an arc the UZI-register does not use.
//
// Card certificates are signed, revoked and listed on CRLs by the embedded smallstep authority
// (github.com/smallstep/certificates/authority), one authority with its own bbolt database per issuing CA;
// the certificate profiles are go.step.sm/crypto/x509util JSON templates. The authority is opened only for
// the duration of one operation and only under a lock file, so that a long-running demo server and a
// separate "pki revoke" command can share one data folder: bbolt allows one process per database file.
//
// Everything is created once by Ensure and re-opened from files afterwards; nothing here is meant for
// production, and the package is imported only by the development commands and by tests.
package devpki
