package pathway

import "fmt"

// Rung is one step of the ladder of engagement. The order is a pathway from
// first contact to most shared power, never a ranking of people.
type Rung int

// The five rungs, in ladder order. The zero value is not a rung.
const (
	Observer Rung = iota + 1
	Follower
	Member
	Contributor
	Leader
)

// Rungs lists every rung in ladder order.
var Rungs = []Rung{Observer, Follower, Member, Contributor, Leader}

var rungNames = [...]string{"", "observer", "follower", "member", "contributor", "leader"}

// ParseRung returns the rung named s, or an error.
func ParseRung(s string) (Rung, error) {
	for i := 1; i < len(rungNames); i++ {
		if rungNames[i] == s {
			return Rung(i), nil
		}
	}
	return 0, fmt.Errorf("unknown rung %q", s)
}

// Valid reports whether r is one of the five rungs.
func (r Rung) Valid() bool { return r >= Observer && r <= Leader }

// String returns the rung's API value.
func (r Rung) String() string {
	if !r.Valid() {
		return fmt.Sprintf("Rung(%d)", int(r))
	}
	return rungNames[r]
}

// MarshalText encodes the rung as its API value.
func (r Rung) MarshalText() ([]byte, error) {
	if !r.Valid() {
		return nil, fmt.Errorf("marshal rung: invalid value %d", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText decodes an API value.
func (r *Rung) UnmarshalText(b []byte) error {
	v, err := ParseRung(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Strategy is a social change strategy a program or activity uses.
type Strategy string

// The social change strategies.
const (
	Organizing Strategy = "organizing"
	Education  Strategy = "education"
	Networking Strategy = "networking"
	Advocacy   Strategy = "advocacy"
	Electoral  Strategy = "electoral"
)

// Strategies lists every strategy.
var Strategies = []Strategy{Organizing, Education, Networking, Advocacy, Electoral}

// ParseStrategy returns the strategy named s, or an error.
func ParseStrategy(s string) (Strategy, error) {
	for _, v := range Strategies {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown strategy %q", s)
}

// LadderRung is one rung of the ladder with the programs slotted on it.
type LadderRung struct {
	Rung     Rung      `json:"rung"`
	Programs []Program `json:"programs"`
}
