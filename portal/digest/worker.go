package digest

import (
	"context"
	"log/slog"
	"time"

	"zorgverlenersportaal/portal/store"
)

// amsterdam is the hospital's clock: digests go out at its local times, and "a day" is its day.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Outbox is what the worker needs of the store.
type Outbox interface {
	DigestsDue(ctx context.Context, day string) ([]store.DigestSubscription, error)
	QueueDigest(ctx context.Context, day string, m store.OutboxMail) (bool, error)
	MailDue(ctx context.Context, now time.Time, limit int) ([]store.OutboxMail, error)
	MailDelivered(ctx context.Context, id int64, at time.Time) error
	MailFailed(ctx context.Context, id int64, reason string, next time.Time, giveUp bool, at time.Time) error
}

// Sender hands one message to the relay.
type Sender interface {
	Send(ctx context.Context, to string, msg []byte) error
}

// Worker queues each day's digests at the configured times and delivers queued mail, retrying a failed
// delivery with growing pauses. Serve runs it beside the portal and stops it at shutdown.
type Worker struct {
	Outbox Outbox
	Sender Sender
	// Count says how many new items the provider may see now (the "Nieuw" page's lines); 0 sends nothing.
	Count func(ctx context.Context, sub store.DigestSubscription, now time.Time) (int, error)
	// Notified writes the access-log record of a delivered digest: who was told of how many items.
	Notified func(ctx context.Context, m store.OutboxMail) error
	Logger   *slog.Logger
	Now      func() time.Time
	// From, Hospital and PortalURL go into the digest.
	From      string
	Hospital  string
	PortalURL string
	// SendAt are the local times ("HH:MM") of the daily rounds.
	SendAt []string
	// Poll is the pause between two looks at the clock and the outbox.
	Poll time.Duration
	// Backoff is the pause after the first failed delivery; each next failure doubles it, up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	// MaxAttempts is how often a mail is tried before it is given up (and logged as such).
	MaxAttempts int

	// checked holds, per provider, the round in which their news was last counted: a round counts each
	// provider once, and a provider who confirms an address after a round is counted at the next tick.
	checked map[string]string
}

// Run works until ctx ends: a round when one is due, then the outbox, every Poll.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		w.Tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick does one round of work: queue the digests of a send time that has come, deliver what is due.
func (w *Worker) Tick(ctx context.Context) {
	if err := w.queueDigests(ctx); err != nil && ctx.Err() == nil {
		w.Logger.Error("digest: queueing the daily digests failed; tried again shortly", "err", err)
	}
	w.deliver(ctx)
}

// round is the latest send time of today that has come ("2026-12-08 07:00"), or "" before the first.
func (w *Worker) round(now time.Time) (day, round string) {
	local := now.In(amsterdam)
	day = local.Format(time.DateOnly)
	clock := local.Format("15:04")
	for _, at := range w.SendAt {
		if at <= clock && day+" "+at > round {
			round = day + " " + at
		}
	}
	return day, round
}

// queueDigests queues, once per send time and provider, a digest for every confirmed address that had
// none today and has something new waiting; the store's one-a-day claim keeps it at one even across
// instances.
func (w *Worker) queueDigests(ctx context.Context) error {
	now := w.Now()
	day, round := w.round(now)
	if round == "" {
		return nil
	}
	subs, err := w.Outbox.DigestsDue(ctx, day)
	if err != nil {
		return err
	}
	if w.checked == nil {
		w.checked = map[string]string{}
	}
	due := map[string]bool{}
	for _, sub := range subs {
		due[sub.UZI] = true
		if w.checked[sub.UZI] == round {
			continue
		}
		n, err := w.Count(ctx, sub, now)
		if err != nil {
			return err
		}
		if n == 0 {
			w.checked[sub.UZI] = round
			continue
		}
		subject, body := DigestText(w.Hospital, w.PortalURL, n)
		queued, err := w.Outbox.QueueDigest(ctx, day, store.OutboxMail{UZI: sub.UZI, Kind: "digest", Items: n,
			Recipient: sub.Address, Subject: subject, Body: body, CreatedAt: now})
		if err != nil {
			return err
		}
		w.checked[sub.UZI] = round
		if queued {
			w.Logger.Info("digest queued", "uzi", sub.UZI, "items", n, "day", day)
		}
	}
	for uzi := range w.checked {
		if !due[uzi] {
			delete(w.checked, uzi) // sent today, or no longer registered
		}
	}
	return nil
}

// deliver hands every due mail to the relay; a failure waits Backoff, 2×Backoff, ... before the next try.
func (w *Worker) deliver(ctx context.Context) {
	now := w.Now()
	mails, err := w.Outbox.MailDue(ctx, now, 50)
	if err != nil {
		if ctx.Err() == nil {
			w.Logger.Error("digest: reading the outbox failed", "err", err)
		}
		return
	}
	for _, m := range mails {
		if ctx.Err() != nil {
			return
		}
		msg, err := Message(w.From, m.Recipient, m.Subject, m.Body, now)
		if err == nil {
			err = w.Sender.Send(ctx, m.Recipient, msg)
		}
		if err != nil {
			w.failed(ctx, m, err, now)
			continue
		}
		if err := w.Outbox.MailDelivered(ctx, m.ID, w.Now()); err != nil {
			w.Logger.Error("digest: mail delivered but not recorded as such", "mail", m.ID, "err", err)
			continue
		}
		w.Logger.Info("mail delivered", "mail", m.ID, "kind", m.Kind, "uzi", m.UZI, "items", m.Items, "attempt", m.Attempts+1)
		if m.Kind == "digest" && w.Notified != nil {
			if err := w.Notified(ctx, m); err != nil {
				w.Logger.Error("digest: delivered, but its access-log record could not be written", "mail", m.ID, "uzi", m.UZI, "err", err)
			}
		}
	}
}

func (w *Worker) failed(ctx context.Context, m store.OutboxMail, cause error, now time.Time) {
	attempt := m.Attempts + 1
	giveUp := attempt >= w.MaxAttempts
	pause := w.Backoff << (attempt - 1)
	if pause > w.MaxBackoff || pause <= 0 {
		pause = w.MaxBackoff
	}
	next := now.Add(pause)
	if err := w.Outbox.MailFailed(ctx, m.ID, cause.Error(), next, giveUp, now); err != nil {
		w.Logger.Error("digest: a failed delivery could not be recorded", "mail", m.ID, "err", err)
	}
	if giveUp {
		w.Logger.Error("mail given up", "mail", m.ID, "kind", m.Kind, "uzi", m.UZI, "attempts", attempt, "err", cause)
		return
	}
	w.Logger.Warn("mail delivery failed; tried again later", "mail", m.ID, "kind", m.Kind, "uzi", m.UZI, "attempt", attempt, "next", next, "err", cause)
}
