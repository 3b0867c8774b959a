package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrTooManyConfirmations means a provider asked for more confirmation mails in a day than
// MaxConfirmationsPerDay: the portal's relay must not become a way to send mail to anyone, again and again.
var ErrTooManyConfirmations = errors.New("too many confirmation mails today")

// MaxConfirmationsPerDay is how many confirmation mails one provider (UZI number) may have queued in any
// 24 hours.
const MaxConfirmationsPerDay = 5

// ErrTokenInvalid means a confirmation link names no pending registration of this provider, or one whose
// time ran out: the provider registers the address again.
var ErrTokenInvalid = errors.New("confirmation link unknown or expired")

// DigestSubscription is a provider's registered address for the e-mail digest and who the provider is.
type DigestSubscription struct {
	UZI            string     `db:"uzi_number"`
	Name           string     `db:"name"`
	RoleCode       string     `db:"role_code"`
	AGB            string     `db:"agb"`
	URA            string     `db:"ura"`
	Organisation   string     `db:"organisation"`
	Address        string     `db:"address"`
	TokenHash      *string    `db:"token_hash"`
	TokenExpiresAt *time.Time `db:"token_expires_at"`
	RegisteredAt   time.Time  `db:"registered_at"`
	ConfirmedAt    *time.Time `db:"confirmed_at"`
}

// OutboxMail is one mail waiting for (or handed to) the relay.
type OutboxMail struct {
	ID            int64      `db:"id"`
	UZI           string     `db:"uzi_number"`
	Kind          string     `db:"kind"`
	Items         int        `db:"items"`
	Recipient     string     `db:"recipient"`
	Subject       string     `db:"subject"`
	Body          string     `db:"body"`
	CreatedAt     time.Time  `db:"created_at"`
	Attempts      int        `db:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at"`
	LastError     string     `db:"last_error"`
	SentAt        *time.Time `db:"sent_at"`
	GivenUpAt     *time.Time `db:"given_up_at"`
}

const subscriptionColumns = `uzi_number, name, role_code, agb, ura, organisation, address, token_hash, token_expires_at,
	registered_at, confirmed_at`

// DigestSubscriptionOf is the provider's registration; ErrNotFound when there is none.
func (s *Store) DigestSubscriptionOf(ctx context.Context, uzi string) (DigestSubscription, error) {
	var sub DigestSubscription
	err := s.read.GetContext(ctx, &sub, `SELECT `+subscriptionColumns+` FROM digest_subscriptions WHERE uzi_number = ?`, uzi)
	if err != nil {
		return DigestSubscription{}, fmt.Errorf("store: digest registration of %s: %w", uzi, translate(err))
	}
	return sub, nil
}

// RegisterDigestAddress records (or replaces) the provider's address, unconfirmed, with the hash of its
// confirmation token, and queues the confirmation mail in the same transaction: a registration without
// its mail, or a mail without its registration, cannot happen.
func (s *Store) RegisterDigestAddress(ctx context.Context, sub DigestSubscription, confirm OutboxMail) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		var recent int
		if err := tx.GetContext(ctx, &recent, `SELECT count(*) FROM mail_outbox
			WHERE uzi_number = ? AND kind = 'confirm' AND created_at > ?`,
			sub.UZI, sub.RegisteredAt.Add(-24*time.Hour).UTC()); err != nil {
			return fmt.Errorf("store: register digest address: %w", err)
		}
		if recent >= MaxConfirmationsPerDay {
			return ErrTooManyConfirmations
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO digest_subscriptions (`+subscriptionColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
			ON CONFLICT (uzi_number) DO UPDATE SET
				name = excluded.name, role_code = excluded.role_code, agb = excluded.agb, ura = excluded.ura,
				organisation = excluded.organisation, address = excluded.address, token_hash = excluded.token_hash,
				token_expires_at = excluded.token_expires_at, registered_at = excluded.registered_at, confirmed_at = NULL`,
			sub.UZI, sub.Name, sub.RoleCode, sub.AGB, sub.URA, sub.Organisation, sub.Address, sub.TokenHash,
			utcPtr(sub.TokenExpiresAt), sub.RegisteredAt.UTC())
		if err != nil {
			return fmt.Errorf("store: register digest address: %w", err)
		}
		// An earlier confirmation still waiting goes: its link would confirm the replaced address.
		if _, err := tx.ExecContext(ctx, `
			UPDATE mail_outbox SET given_up_at = ?, body = '', last_error = 'replaced by a newer registration'
			WHERE uzi_number = ? AND kind = 'confirm' AND sent_at IS NULL AND given_up_at IS NULL`,
			sub.RegisteredAt.UTC(), sub.UZI); err != nil {
			return fmt.Errorf("store: register digest address: %w", err)
		}
		return queueMail(ctx, tx, confirm)
	})
}

// ConfirmDigestAddress confirms the provider's pending address when the token's hash matches and has not
// expired at now; the token is spent either way it matched.
func (s *Store) ConfirmDigestAddress(ctx context.Context, uzi, tokenHash string, now time.Time) (DigestSubscription, error) {
	var sub DigestSubscription
	err := s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &sub, `SELECT `+subscriptionColumns+` FROM digest_subscriptions
			WHERE uzi_number = ? AND token_hash = ?`, uzi, tokenHash)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("store: confirm digest address: %w", err)
		}
		if sub.TokenExpiresAt == nil || !now.Before(*sub.TokenExpiresAt) {
			return ErrTokenInvalid
		}
		at := now.UTC()
		sub.ConfirmedAt, sub.TokenHash, sub.TokenExpiresAt = &at, nil, nil
		_, err = tx.ExecContext(ctx, `UPDATE digest_subscriptions SET confirmed_at = ?, token_hash = NULL, token_expires_at = NULL
			WHERE uzi_number = ?`, at, uzi)
		if err != nil {
			return fmt.Errorf("store: confirm digest address: %w", err)
		}
		return nil
	})
	return sub, err
}

// StopDigest removes the provider's address and every mail still waiting for it.
func (s *Store) StopDigest(ctx context.Context, uzi string, now time.Time) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM digest_subscriptions WHERE uzi_number = ?`, uzi); err != nil {
			return fmt.Errorf("store: stop digest: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE mail_outbox SET given_up_at = ?, body = '', last_error = 'the provider stopped the digest'
			WHERE uzi_number = ? AND sent_at IS NULL AND given_up_at IS NULL`, now.UTC(), uzi); err != nil {
			return fmt.Errorf("store: stop digest: %w", err)
		}
		return nil
	})
}

// DigestsDue lists the confirmed registrations that have had no digest on day (YYYY-MM-DD, Amsterdam).
func (s *Store) DigestsDue(ctx context.Context, day string) ([]DigestSubscription, error) {
	var subs []DigestSubscription
	err := s.read.SelectContext(ctx, &subs, `
		SELECT `+subscriptionColumns+` FROM digest_subscriptions d
		WHERE confirmed_at IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM digest_days x WHERE x.uzi_number = d.uzi_number AND x.day = ?)
		ORDER BY uzi_number`, day)
	if err != nil {
		return nil, fmt.Errorf("store: digests due: %w", err)
	}
	return subs, nil
}

// QueueDigest claims the provider's digest of day and queues its mail, in one transaction; false when
// the day already has one (another round or another instance was first).
func (s *Store) QueueDigest(ctx context.Context, day string, m OutboxMail) (bool, error) {
	queued := false
	err := s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO digest_days (uzi_number, day, items) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, m.UZI, day, m.Items)
		if err != nil {
			return fmt.Errorf("store: queue digest: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		queued = true
		return queueMail(ctx, tx, m)
	})
	return queued, err
}

// MailDue lists the mails whose next attempt is due at now, oldest first, at most limit.
func (s *Store) MailDue(ctx context.Context, now time.Time, limit int) ([]OutboxMail, error) {
	var mails []OutboxMail
	err := s.read.SelectContext(ctx, &mails, `
		SELECT id, uzi_number, kind, items, recipient, subject, body, created_at, attempts, next_attempt_at,
		       last_error, sent_at, given_up_at
		FROM mail_outbox
		WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id
		LIMIT ?`, now.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: mail due: %w", err)
	}
	return mails, nil
}

// MailDelivered records that the relay accepted the mail and forgets its body.
func (s *Store) MailDelivered(ctx context.Context, id int64, at time.Time) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, body = '', last_error = ''
			WHERE id = ? AND sent_at IS NULL`, at.UTC(), id)
		if err != nil {
			return fmt.Errorf("store: mail %d delivered: %w", id, err)
		}
		return nil
	})
}

// MailFailed records a failed attempt: the next one at next, or, when giveUp, none (the body goes).
func (s *Store) MailFailed(ctx context.Context, id int64, reason string, next time.Time, giveUp bool, at time.Time) error {
	return s.inWriteTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if giveUp {
			_, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, given_up_at = ?, body = ''
				WHERE id = ? AND sent_at IS NULL`, reason, at.UTC(), id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
				WHERE id = ? AND sent_at IS NULL`, reason, next.UTC(), id)
		}
		if err != nil {
			return fmt.Errorf("store: mail %d failed: %w", id, err)
		}
		return nil
	})
}

// MailOf lists every mail queued for a provider, newest first: what the tests and the operator read.
func (s *Store) MailOf(ctx context.Context, uzi string) ([]OutboxMail, error) {
	var mails []OutboxMail
	err := s.read.SelectContext(ctx, &mails, `
		SELECT id, uzi_number, kind, items, recipient, subject, body, created_at, attempts, next_attempt_at,
		       last_error, sent_at, given_up_at
		FROM mail_outbox WHERE uzi_number = ? ORDER BY id DESC`, uzi)
	if err != nil {
		return nil, fmt.Errorf("store: mail of %s: %w", uzi, err)
	}
	return mails, nil
}

func queueMail(ctx context.Context, tx *sqlx.Tx, m OutboxMail) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO mail_outbox (uzi_number, kind, items, recipient, subject, body, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.UZI, m.Kind, m.Items, m.Recipient, m.Subject, m.Body, m.CreatedAt.UTC(), m.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("store: queue %s mail: %w", m.Kind, err)
	}
	return nil
}
