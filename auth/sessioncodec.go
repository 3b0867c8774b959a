package auth

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// sessionValues is how the session's few values are written inside the encrypted, signed cookie: a JSON
// object of strings, whole numbers and booleans. securecookie's default, encoding/gob, sends the
// description of its types in every cookie and builds a decoder for them on every request; reading a
// cookie that way cost about 50 µs, more than the rest of a keep-alive request's session handling (the
// README's Performance section has the figures). The values reach Deserialize only after their signature
// has been checked and they have been decrypted, so the decoder only ever reads what the portal wrote;
// it still refuses any other shape rather than guess.
type sessionValues struct{}

// useSessionValues makes every codec of the store write and read sessionValues.
func useSessionValues(st *sessions.CookieStore) {
	for _, codec := range st.Codecs {
		if sc, ok := codec.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionValues{})
		}
	}
}

// Serialize writes the session's values; a key that is not a string or a value of another type than
// string, int64 or bool is a programming error and fails the save.
func (sessionValues) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("auth: session values are a %T", src)
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("auth: session key %v is not a string", k)
		}
		switch v.(type) {
		case string, int64, bool:
			out[key] = v
		default:
			return nil, fmt.Errorf("auth: session value %s is a %T", key, v)
		}
	}
	return json.Marshal(out)
}

// Deserialize reads values written by Serialize back into the session, numbers as int64.
func (sessionValues) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("auth: cannot read session values into a %T", dst)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var in map[string]any
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("auth: session values: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("auth: session values: data after the object")
	}
	m := make(map[any]any, len(in))
	for k, v := range in {
		switch v := v.(type) {
		case string, bool:
			m[k] = v
		case json.Number:
			n, err := v.Int64()
			if err != nil {
				return fmt.Errorf("auth: session value %s: %w", k, err)
			}
			m[k] = n
		default:
			return fmt.Errorf("auth: session value %s is a %T", k, v)
		}
	}
	*values = m
	return nil
}
