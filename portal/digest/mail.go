// Package digest sends the optional daily e-mail that tells a provider how many new items wait for them
// in the portal, and the mail that confirms their address. A digest says a number and a link, never a
// patient's name, BSN, diagnosis or anything else about a patient: the mail leaves the hospital over
// ordinary e-mail, which is no place for patient data.
//
// Mail is queued in the store (mail_outbox) by the request or the daily round that makes it, and handed
// to the hospital's SMTP relay by a Worker in the background, with retries and backoff: a request never
// waits for a mail server.
package digest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// ParseAddress accepts exactly one plain e-mail address ("a.arts@praktijk.nl"): no display name, no
// comments, no line breaks, at most 254 characters. Anything a header could be bent with is refused.
func ParseAddress(input string) (string, error) {
	in := strings.TrimSpace(input)
	if in == "" {
		return "", fmt.Errorf("%w: empty", ErrBadAddress)
	}
	if len(in) > 254 || strings.ContainsAny(in, "\r\n\t <>,;\"()") {
		return "", fmt.Errorf("%w: %q", ErrBadAddress, in)
	}
	a, err := mail.ParseAddress(in)
	if err != nil || a.Name != "" || a.Address != in {
		return "", fmt.Errorf("%w: %q", ErrBadAddress, in)
	}
	local, domain, ok := strings.Cut(in, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", fmt.Errorf("%w: %q", ErrBadAddress, in)
	}
	return in, nil
}

// DigestText is the subject and body of a digest: how many new items wait, in Dutch and English, and the
// link to the portal. It takes nothing about any patient, so that it cannot say anything about one.
func DigestText(hospital, portalURL string, items int) (subject, body string) {
	nl := fmt.Sprintf("%d nieuwe documenten in het Zorgverlenersportaal van %s", items, hospital)
	en := fmt.Sprintf("%d new items wait in the Zorgverlenersportaal of %s", items, hospital)
	if items == 1 {
		nl = fmt.Sprintf("1 nieuw document in het Zorgverlenersportaal van %s", hospital)
		en = fmt.Sprintf("1 new item waits in the Zorgverlenersportaal of %s", hospital)
	}
	body = strings.Join([]string{
		nl + ".",
		"Log in met uw UZI-pas: " + portalURL,
		"",
		en + ".",
		"Log in with your UZI card: " + portalURL,
		"",
		"-- ",
		"U krijgt dit bericht omdat u zich ervoor heeft aangemeld. Afmelden: in het portaal onder E-mailmelding.",
		"You get this message because you asked for it. To stop it: in the portal under E-mail notice.",
	}, "\r\n")
	return nl, body
}

// ConfirmText is the subject and body of the mail that confirms an address: the link with its token, and
// until when it works.
func ConfirmText(hospital, link string, until time.Time) (subject, body string) {
	local := until.In(amsterdam).Format("02-01-2006 15:04")
	subject = "Bevestig uw e-mailadres voor het Zorgverlenersportaal van " + hospital
	body = strings.Join([]string{
		"U heeft dit e-mailadres opgegeven voor de dagelijkse melding van nieuwe documenten in het Zorgverlenersportaal van " + hospital + ".",
		"Bevestig het met uw UZI-pas via deze link (geldig tot " + local + "):",
		link,
		"Heeft u dit niet aangevraagd? Dan kunt u dit bericht negeren.",
		"",
		"You entered this address for the daily notice of new items in the Zorgverlenersportaal of " + hospital + ".",
		"Confirm it with your UZI card through the link above (valid until " + local + ", Amsterdam time).",
		"Did you not ask for this? Then ignore this message.",
	}, "\r\n")
	return subject, body
}

// Message is the whole RFC 5322 message as the relay gets it: plain text in UTF-8, quoted-printable, the
// subject as an encoded word. The addresses have passed ParseAddress.
func Message(from, to, subject, body string, at time.Time) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	_, domain, _ := strings.Cut(from, "@")
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from)
	header("To", to)
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", at.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return []byte(b.String()), nil
}
