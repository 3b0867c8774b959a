// Package smtptest is a small SMTP server on loopback for tests: it speaks enough of RFC 5321 for
// net/smtp (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT), keeps every message it
// accepted for the test to read, and can refuse the next deliveries to test retries.
package smtptest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one accepted mail: envelope and data as received.
type Message struct {
	From string
	To   []string
	Data string
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is host:port to give the portal as its relay.
	Addr string

	ln       net.Listener
	mu       sync.Mutex
	messages []Message
	failNext int
	refused  int
	arrived  chan struct{}
	wg       sync.WaitGroup
}

// Start runs a server on 127.0.0.1 until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln, arrived: make(chan struct{}, 1000)}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// FailNext makes the next n transactions fail with a temporary error (451) at MAIL FROM.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Refused is how many transactions FailNext refused.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Messages are the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until at least n messages were accepted, or fails the test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("smtptest: %d message(s) after %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(conn)
		}()
	}
}

func (s *Server) session(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	reply := func(line string) { conn.Write([]byte(line + "\r\n")) }
	reply("220 smtptest ready")
	var cur Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			reply("250-smtptest")
			reply("250 8BITMIME")
		case "HELO":
			reply("250 smtptest")
		case "MAIL":
			s.mu.Lock()
			fail := s.failNext > 0
			if fail {
				s.failNext--
				s.refused++
			}
			s.mu.Unlock()
			if fail {
				reply("451 4.3.0 try again later")
				continue
			}
			cur = Message{From: addressOf(line)}
			reply("250 ok")
		case "RCPT":
			cur.To = append(cur.To, addressOf(line))
			reply("250 ok")
		case "DATA":
			reply("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			s.mu.Lock()
			s.messages = append(s.messages, cur)
			s.mu.Unlock()
			s.arrived <- struct{}{}
			cur = Message{}
			reply("250 accepted")
		case "RSET":
			cur = Message{}
			reply("250 ok")
		case "NOOP":
			reply("250 ok")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 command not implemented")
		}
	}
}

// addressOf takes the address out of "MAIL FROM:<a@b>" or "RCPT TO:<a@b>".
func addressOf(line string) string {
	i, j := strings.Index(line, "<"), strings.Index(line, ">")
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}
