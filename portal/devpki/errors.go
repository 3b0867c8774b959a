package devpki

import "errors"

// Sentinel errors of the development PKI, for callers that branch on the cause (a CLI that prints the list
// of card names, a test that expects a refusal).
var (
	// ErrUnknownCard means the name is not in the Cards table.
	ErrUnknownCard = errors.New("devpki: unknown card")
	// ErrCardNotCreated means the card is in the table but was left out of Options.Cards when the data
	// folder was created; Ensure with that card name creates it.
	ErrCardNotCreated = errors.New("devpki: card not created in this data folder")
	// ErrUnknownIssuer means the issuer name is not one of the issuing CAs.
	ErrUnknownIssuer = errors.New("devpki: unknown issuing CA")
	// ErrNotIssuedHere means a certificate given to RevokeCertificate was not signed by a dev issuing CA.
	ErrNotIssuedHere = errors.New("devpki: certificate not issued by a development issuing CA")
	// ErrLocked means another process (or another PKI value) held the data folder's lock for longer than
	// the lock timeout; retrying later is the remedy.
	ErrLocked = errors.New("devpki: data folder is locked by another operation")
	// ErrCRLBaseURLChanged means the data folder was created with another CRL base URL; the cards carry the
	// old URL in their CRL distribution point, so the folder must be removed and created again.
	ErrCRLBaseURLChanged = errors.New("devpki: the data folder was created with another CRL base URL")
	// ErrInvalidOptions means Options cannot be used (no folder, a malformed URL).
	ErrInvalidOptions = errors.New("devpki: invalid options")
)
