package secret

import (
	"bytes"
	"strings"
	"testing"
)

func TestPasswordHashIsSaltedAndChecks(t *testing.T) {
	a, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := HashPassword("correct horse battery")
	if a == b {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if strings.Contains(a, "correct horse") {
		t.Fatal("hash contains the password")
	}
	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"right password", "correct horse battery", true},
		{"wrong password", "correct horse batterx", false},
		{"empty password", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckPassword(a, tc.password)
			if err != nil || got != tc.want {
				t.Fatalf("CheckPassword = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := CheckPassword("$bcrypt$nope", "x"); err == nil {
		t.Fatal("an unknown hash format was accepted")
	}
}

func TestTokensAreRandomAndHashed(t *testing.T) {
	a, b := NewToken("pw_"), NewToken("pw_")
	if a == b || !strings.HasPrefix(a, "pw_") || len(a) < 40 {
		t.Fatalf("tokens %q and %q are not random prefixed tokens", a, b)
	}
	if bytes.Equal(HashToken(a), HashToken(b)) || !bytes.Equal(HashToken(a), HashToken(a)) {
		t.Fatal("token hash is not a function of the token")
	}
}
