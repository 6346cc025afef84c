// Package demo loads a realistic demo organisation into an empty database,
// so that a newcomer sees a living app: programs on most rungs, a few
// hundred participants over two years, an advisory board, a speakers
// bureau, engagements and capacity check-ins. Everyone in it is invented.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"pathway/internal/pathway"
	"pathway/internal/words"
)

// Services are the stores the demo writes through, so that it keeps every
// rule the API keeps.
type Services struct {
	Users        pathway.UserService
	Programs     pathway.ProgramService
	Participants pathway.ParticipantService
	Bodies       pathway.BodyService
}

// Account is a demo sign-in.
type Account struct {
	Email    string
	Role     pathway.Role
	Password string
}

// Options shape the demo organisation.
type Options struct {
	Participants int          // how many people; 300 when zero
	Today        pathway.Date // the organisation's date
	Seed         uint64       // the same seed gives the same organisation
	PasswordHash string       // hash of the password every demo account gets
}

// ErrNotEmpty is returned when the database already follows participants.
var ErrNotEmpty = errors.New("the database already holds participants; load the demo into a new file")

var programs = []struct {
	name, description, beneficiaries string
	served                           int
	rung                             pathway.Rung
	strategies                       []pathway.Strategy
}{
	{"Voter registration tables", "Registration and election information at the food pantry and clinic.", "Everyone who visits", 900, pathway.Observer, []pathway.Strategy{pathway.Electoral}},
	{"Know your rights nights", "Evening sessions on tenant and immigrant rights with allied legal groups.", "Tenants and newcomers", 400, pathway.Observer, []pathway.Strategy{pathway.Education}},
	{"Community suppers", "Monthly suppers where members hear about campaigns and meet neighbours.", "Participants and families", 250, pathway.Follower, []pathway.Strategy{pathway.Networking, pathway.Organizing}},
	{"Coalition delegates", "Participants represent the organisation at the housing justice coalition.", "Participants invited to represent", 20, pathway.Member, []pathway.Strategy{pathway.Advocacy, pathway.Networking}},
	{"Program design circles", "Participants co-design services with staff, paid for their time.", "Participants with lived experience", 40, pathway.Contributor, []pathway.Strategy{pathway.Organizing}},
	{"Story and advocacy training", "Learning to tell one's story for change, before joining the speakers bureau.", "Participants ready to speak", 30, pathway.Contributor, []pathway.Strategy{pathway.Advocacy, pathway.Education}},
	{"Participant-led workshops", "Workshops designed and run by participants on issues they chose.", "Community members", 60, pathway.Leader, []pathway.Strategy{pathway.Organizing, pathway.Education}},
}

var firstNames = []string{"Amara", "Bao", "Carmen", "Darnell", "Esperanza", "Farid", "Grace", "Hana", "Ibrahim", "Jolene", "Kwame", "Lucía", "Malik", "Nadia", "Omar", "Priya", "Quang", "Rosa", "Samuel", "Tamika", "Uriel", "Valentina", "Wen", "Ximena", "Yusuf", "Zainab", "Andre", "Beatriz", "Chidi", "Dolores", "Elijah", "Fatima", "Gustavo", "Hyun", "Imani", "José", "Keisha", "Leilani", "Mateo", "Ngozi"}

var activities = []string{"community supper", "coalition meeting", "know your rights night", "design circle session", "voter registration table", "workshop", "city council hearing", "story training"}

// Load fills an empty database and returns the demo accounts it made.
func Load(ctx context.Context, s Services, opt Options) ([]Account, error) {
	if opt.Participants == 0 {
		opt.Participants = 300
	}
	sys := pathway.Actor{Email: "demo loader", Role: pathway.RoleAdmin, RemoteAddr: "local"}
	if page, _, err := s.Participants.ListParticipants(ctx, sys, pathway.ParticipantFilter{Limit: 1}); err != nil {
		return nil, err
	} else if len(page) > 0 {
		return nil, ErrNotEmpty
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9a7b))
	accounts, staff, err := loadAccounts(ctx, s, sys, opt.PasswordHash)
	if err != nil {
		return nil, err
	}
	progIDs := make([]int64, len(programs))
	progRung := map[int64]pathway.Rung{}
	for i, p := range programs {
		served := p.served
		prog := &pathway.Program{Name: p.name, Description: p.description, Beneficiaries: p.beneficiaries, EstimatedServed: &served, Rung: p.rung, Strategies: p.strategies}
		if err := s.Programs.CreateProgram(ctx, sys, prog); err != nil {
			return nil, fmt.Errorf("demo program: %w", err)
		}
		progIDs[i], progRung[prog.ID] = prog.ID, p.rung
	}
	seats, months, limit := 9, 24, 2
	board := &pathway.Body{Name: "Constituent Advisory Board", Kind: pathway.AdvisoryBoard, Description: "Participants who set priorities with the executive director.", Seats: &seats, TermMonths: &months, TermLimit: &limit}
	bureauSeats, bureauMonths := 15, 12
	bureau := &pathway.Body{Name: "Speakers Bureau", Kind: pathway.SpeakersBureau, Description: "Participants who share their stories and the changes they want.", Seats: &bureauSeats, TermMonths: &bureauMonths}
	for _, b := range []*pathway.Body{board, bureau} {
		if err := s.Bodies.CreateBody(ctx, sys, b); err != nil {
			return nil, fmt.Errorf("demo body: %w", err)
		}
	}
	g := &generator{s: s, rng: rng, staff: staff, today: opt.Today, progIDs: progIDs, progRung: progRung, board: board, bureau: bureau}
	for i := range opt.Participants {
		if err := g.person(ctx, i); err != nil {
			return nil, err
		}
	}
	if err := g.talks(ctx); err != nil {
		return nil, err
	}
	return accounts, nil
}

// loadAccounts adds one account per role besides the admin.
func loadAccounts(ctx context.Context, s Services, sys pathway.Actor, hash string) ([]Account, pathway.Actor, error) {
	var accounts []Account
	var staff pathway.Actor
	for _, role := range []pathway.Role{pathway.RoleStaff, pathway.RoleCoordinator, pathway.RoleLeadership} {
		u := &pathway.User{Email: string(role) + "@demo.pathway.local", Role: role}
		if err := s.Users.CreateUser(ctx, sys, u, hash); err != nil {
			return nil, staff, fmt.Errorf("demo account %s: %s", u.Email, words.Describe(err))
		}
		accounts = append(accounts, Account{Email: u.Email, Role: role})
		if role == pathway.RoleStaff {
			staff = pathway.Actor{UserID: u.ID, Email: u.Email, Role: role, RemoteAddr: "local"}
		}
	}
	return accounts, staff, nil
}

type generator struct {
	s        Services
	rng      *rand.Rand
	staff    pathway.Actor
	today    pathway.Date
	progIDs  []int64
	progRung map[int64]pathway.Rung
	board    *pathway.Body
	bureau   *pathway.Body
	speakers []int64
}

// person invents one participant's journey over the last two years.
func (g *generator) person(ctx context.Context, i int) error {
	r := g.rng
	start := g.today.AddDays(-r.IntN(730) - 30)
	scopes := []pathway.ConsentScope{pathway.ScopeTracking}
	if r.IntN(10) < 4 {
		scopes = append(scopes, pathway.ScopePublicStory)
	}
	methods := pathway.ConsentMethods
	np := pathway.NewParticipant{
		ExternalRef: fmt.Sprintf("CM-%05d", 10000+i*7),
		DisplayName: fmt.Sprintf("%s %c.", firstNames[r.IntN(len(firstNames))], 'A'+rune(r.IntN(26))),
		ProgramIDs:  []int64{g.progIDs[r.IntN(2)]},
		Consent:     pathway.Consent{GivenOn: start, Method: methods[r.IntN(len(methods))], Scopes: scopes},
		Rung:        pathway.Observer,
	}
	p, err := g.s.Participants.CreateParticipant(ctx, g.staff, np)
	if err != nil {
		return fmt.Errorf("demo participant: %w", err)
	}
	// Walk up the ladder with the odd step back; most people stay near the bottom.
	rung, day := pathway.Observer, start
	for step := 0; step < 4; step++ {
		day = day.AddDays(40 + r.IntN(160))
		if day.After(g.today) || r.IntN(10) < 4 {
			break
		}
		next := rung + 1
		if rung > pathway.Follower && r.IntN(6) == 0 {
			next = rung - 1
		}
		if !next.Valid() {
			break
		}
		rung = next
		pl := &pathway.Placement{Rung: rung, EffectiveOn: day, Note: "Demo: noted at a check-in."}
		if err := g.s.Participants.AddPlacement(ctx, g.staff, p.ID, pl); err != nil {
			return fmt.Errorf("demo placement: %w", err)
		}
	}
	if err := g.engagements(ctx, p, rung); err != nil {
		return err
	}
	if r.IntN(3) > 0 {
		if err := g.checkins(ctx, p); err != nil {
			return err
		}
	}
	return g.roles(ctx, p, rung, scopes)
}

func (g *generator) engagements(ctx context.Context, p *pathway.Participant, rung pathway.Rung) error {
	r := g.rng
	n := 2 + r.IntN(10)
	span := g.today.DaysSince(p.FirstConsent)
	for range n {
		// Programs up to one rung above where the person is now.
		var choices []int64
		for _, id := range g.progIDs {
			if g.progRung[id] <= rung+1 {
				choices = append(choices, id)
			}
		}
		prog := choices[r.IntN(len(choices))]
		e := &pathway.Engagement{
			OccurredOn: p.FirstConsent.AddDays(r.IntN(span + 1)),
			Activity:   activities[r.IntN(len(activities))],
			ProgramID:  &prog,
		}
		if err := g.s.Participants.AddEngagement(ctx, g.staff, p.ID, e); err != nil {
			return fmt.Errorf("demo engagement: %w", err)
		}
	}
	return nil
}

func (g *generator) checkins(ctx context.Context, p *pathway.Participant) error {
	r := g.rng
	scores := [3]int{1 + r.IntN(2), 1 + r.IntN(2), 1 + r.IntN(2)}
	day := p.FirstConsent.AddDays(7)
	for day.Before(g.today) {
		for _, persp := range []pathway.Perspective{pathway.PerspectiveSelf, pathway.PerspectiveStaff} {
			c := &pathway.CapacityCheckin{AssessedOn: day, Perspective: persp, SelfAdvocacy: scores[0], RootCauseAnalysis: scores[1], Leadership: scores[2]}
			if err := g.s.Participants.AddCheckin(ctx, g.staff, p.ID, c); err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
		}
		for i := range scores {
			if r.IntN(3) == 0 {
				scores[i] = min(4, max(1, scores[i]+r.IntN(4)-1)) // mostly growth, sometimes a step back
			}
		}
		day = day.AddDays(120 + r.IntN(90))
	}
	return nil
}

// roles seats some contributors in the speakers bureau and some leaders on
// the advisory board, as far as seats allow.
func (g *generator) roles(ctx context.Context, p *pathway.Participant, rung pathway.Rung, scopes []pathway.ConsentScope) error {
	coord := g.staff
	coord.Role = pathway.RoleAdmin
	hasStory := len(scopes) > 1
	try := func(b *pathway.Body, title string) (bool, error) {
		starts := g.today.AddDays(-g.rng.IntN(300))
		if starts.Before(p.FirstConsent) {
			starts = p.FirstConsent
		}
		role := &pathway.BodyRole{BodyID: b.ID, ParticipantID: p.ID, Title: title, StartsOn: starts}
		err := g.s.Bodies.AddRole(ctx, coord, role)
		if pathway.ErrorCode(err) == pathway.ECONFLICT {
			return false, nil // the body is full
		}
		return err == nil, err
	}
	if rung >= pathway.Contributor && hasStory {
		ok, err := try(g.bureau, "speaker")
		if err != nil {
			return fmt.Errorf("demo speaker: %w", err)
		}
		if ok {
			g.speakers = append(g.speakers, p.ID)
		}
	}
	if rung == pathway.Leader {
		title := "member"
		if g.board.SeatsFilled == 0 {
			title = "chair"
		}
		ok, err := try(g.board, title)
		if err != nil {
			return fmt.Errorf("demo board seat: %w", err)
		}
		if ok {
			g.board.SeatsFilled++
		}
	}
	return nil
}

// talks records speaking engagements by bureau members.
func (g *generator) talks(ctx context.Context) error {
	coord := g.staff
	coord.Role = pathway.RoleAdmin
	topics := []string{"Why rent stabilisation matters", "What the shelter intake is like", "Language access at the clinic", "Youth jobs in our neighbourhood", "Getting to the polls"}
	roster, err := g.s.Bodies.Roster(ctx, coord, g.bureau.ID, g.today)
	if err != nil {
		return err
	}
	for i, role := range roster.Roles {
		for j := range 1 + g.rng.IntN(3) {
			held := role.StartsOn.AddDays(g.rng.IntN(max(1, g.today.DaysSince(role.StartsOn))))
			e := &pathway.SpeakingEngagement{
				BodyID: g.bureau.ID, HeldOn: held, Audience: pathway.Audiences[(i+j)%len(pathway.Audiences)],
				Topic: topics[(i+j)%len(topics)], Speakers: []pathway.Speaker{{ParticipantID: role.ParticipantID}},
			}
			if err := g.s.Bodies.AddSpeakingEngagement(ctx, coord, e); err != nil {
				return fmt.Errorf("demo talk: %w", err)
			}
		}
	}
	return nil
}
