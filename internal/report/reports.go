package report

import (
	"context"
	"slices"
	"sort"

	"pathway/internal/pathway"
	"pathway/internal/suppress"
)

// Distribution is people per rung on a period's as-of day.
type Distribution struct {
	Header
	ProgramID *int64     `json:"program_id"`
	Cells     []RungCell `json:"cells"`
	Total     Count      `json:"total"`
}

// Distribution reports people per rung, for everyone or one program.
// A program's counts are its row of DistributionByProgram, so the two
// reports always suppress the same cells.
func (s *Service) Distribution(ctx context.Context, period string, programID int64) (*Distribution, error) {
	p, asOf, err := s.period(period)
	if err != nil {
		return nil, err
	}
	if programID == 0 {
		t, r, err := s.canonicalDistribution(ctx, asOf)
		if err != nil {
			return nil, err
		}
		return &Distribution{Header: s.header(p, asOf, r), Cells: rungCells(t, r, 0), Total: count(t, r, 5)}, nil
	}
	byProgram, err := s.DistributionByProgram(ctx, period)
	if err != nil {
		return nil, err
	}
	for _, row := range byProgram.Rows {
		if row.ProgramID != nil && *row.ProgramID == programID {
			h := byProgram.Header
			h.Reason = row.Reason
			return &Distribution{Header: h, ProgramID: &programID, Cells: row.Cells, Total: row.Total}, nil
		}
	}
	return nil, pathway.Invalid("program_id", "there is no program with id %d", programID)
}

// ProgramRow is one program's people per rung (ProgramID nil: people in no program).
type ProgramRow struct {
	ProgramID *int64     `json:"program_id"`
	Program   string     `json:"program"`
	Cells     []RungCell `json:"cells"`
	Total     Count      `json:"total"`
	Reason    *string    `json:"reason,omitempty"`
}

// Totals is a row of people per rung for everyone.
type Totals struct {
	Cells []RungCell `json:"cells"`
	Total Count      `json:"total"`
}

// ProgramDistribution is people per rung for every program.
type ProgramDistribution struct {
	Header
	Rows   []ProgramRow `json:"rows"`
	Totals Totals       `json:"totals"`
}

// DistributionByProgram reports people per rung in every program, in no
// program, and in all. A person in two programs counts in both rows, so the
// rows need not add up to the totals; where a column does add up, it is
// protected as a line like any other.
func (s *Service) DistributionByProgram(ctx context.Context, period string) (*ProgramDistribution, error) {
	p, asOf, err := s.period(period)
	if err != nil {
		return nil, err
	}
	pc, err := s.Store.ProgramCountsOn(ctx, asOf)
	if err != nil {
		return nil, err
	}
	rows := make([]pathway.RungCounts, 0, len(pc.Programs)+1)
	for _, prog := range pc.Programs {
		rows = append(rows, pc.ByProgram[prog.ID])
	}
	rows = append(rows, pc.None)
	const w = 6 // five rungs and a total
	n := len(rows)
	t := suppress.Table{Counts: make([]int, (n+1)*w), Population: pc.All.Sum()}
	for i, row := range append(slices.Clone(rows), pc.All) {
		parts := make([]int, 5)
		for j, v := range row {
			t.Counts[i*w+j] = v
			parts[j] = i*w + j
		}
		t.Counts[i*w+5] = row.Sum()
		t.Lines = append(t.Lines, suppress.Line{Parts: parts, Total: i*w + 5})
	}
	for j := range w {
		parts, sum := make([]int, n), 0
		for i := range n {
			parts[i] = i*w + j
			sum += t.Counts[i*w+j]
		}
		// A column of nobody is left out: its shown total of zero already
		// tells every reader each cell in it is zero, and the hidden zeros
		// of a small program's row cannot be protected there.
		if sum == t.Counts[n*w+j] && sum > 0 {
			t.Lines = append(t.Lines, suppress.Line{Parts: parts, Total: n*w + j})
		}
	}
	_, cr, err := s.canonical(pc.All)
	if err != nil {
		return nil, err
	}
	fixed := map[int]bool{}
	for j := range w {
		fixed[n*w+j] = cr.Suppressed[j]
	}
	// A row of fewer than k people is hidden whole, zeros included, as
	// its reason says: a shown zero would tell where the few are.
	for i, row := range rows {
		if total := row.Sum(); total > 0 && total < s.K {
			for j := range w {
				fixed[i*w+j] = true
			}
		}
	}
	r, err := applyConsistent(s.K, t, fixed)
	if err != nil {
		return nil, err
	}
	out := &ProgramDistribution{Header: s.header(p, asOf, r), Totals: Totals{Cells: rungCells(t, r, n*w), Total: count(t, r, n*w+5)}}
	for i := range n {
		row := ProgramRow{Program: "No program", Cells: rungCells(t, r, i*w), Total: count(t, r, i*w+5)}
		if i < len(pc.Programs) {
			id := pc.Programs[i].ID
			row.ProgramID, row.Program = &id, pc.Programs[i].Name
		}
		if total := rows[i].Sum(); total > 0 && total < s.K {
			reason := reasonText(suppress.ReasonSmallPopulation, s.K)
			row.Reason = &reason
		} else if !slices.Contains(r.Suppressed[i*w:i*w+w], false) {
			reason := reasonText(suppress.ReasonNoSafeCell, s.K)
			row.Reason = &reason
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// Transition counts people by their rung before a period (From nil: they
// entered during it) and at its end.
type Transition struct {
	From *pathway.Rung `json:"from"`
	To   pathway.Rung  `json:"to"`
	Count
}

// MedianStay is the median number of days people spent on a rung before
// moving up from it during the period; nil when fewer than k moved.
type MedianStay struct {
	Rung       pathway.Rung `json:"rung"`
	Days       *int         `json:"days"`
	Suppressed bool         `json:"suppressed"`
}

// Movement is "where are they now": each person counted once, by their
// rung the day before the period and on its as-of day.
type Movement struct {
	Header
	Transitions []Transition `json:"transitions"`
	Up          Count        `json:"up"`
	Down        Count        `json:"down"`
	Stayed      Count        `json:"stayed"`
	Entered     Count        `json:"entered"`
	// Previous and Current are the margins: the distribution reports of the
	// previous and this period, suppressed exactly as they are.
	Previous         Totals       `json:"previous"`
	Current          Totals       `json:"current"`
	MedianDaysBefore []MedianStay `json:"median_days_before_moving_up"`
	BelowHighest     Count        `json:"below_highest_rung_reached"`
}

// Movement reports moves between rungs over a period.
func (s *Service) Movement(ctx context.Context, period string) (*Movement, error) {
	p, asOf, err := s.period(period)
	if err != nil {
		return nil, err
	}
	mc, err := s.Store.Movement(ctx, p.Start, asOf)
	if err != nil {
		return nil, err
	}
	grid := make([][]int, 6)
	for i := range 5 {
		grid[i] = slices.Clone(mc.From[i][:])
	}
	grid[5] = slices.Clone(mc.Entered[:])
	t := suppress.Grid(grid)
	g := suppress.GridLayout{Rows: 6, Cols: 5}
	// Extra cells: the previous total, and up, down and stayed.
	prevTotal, up, down, stayed := len(t.Counts), len(t.Counts)+1, len(t.Counts)+2, len(t.Counts)+3
	var prevParts, upParts, downParts, stayedParts []int
	var ups, downs, stays int
	for i := range 5 {
		prevParts = append(prevParts, g.Index(i, 5))
		for j := range 5 {
			idx, v := g.Index(i, j), grid[i][j]
			switch {
			case j > i:
				upParts, ups = append(upParts, idx), ups+v
			case j < i:
				downParts, downs = append(downParts, idx), downs+v
			default:
				stayedParts, stays = append(stayedParts, idx), stays+v
			}
		}
	}
	entered := g.Index(5, 5)
	t.Counts = append(t.Counts, ups+downs+stays, ups, downs, stays)
	t.Lines = append(t.Lines,
		suppress.Line{Parts: prevParts, Total: prevTotal},
		suppress.Line{Parts: upParts, Total: up},
		suppress.Line{Parts: downParts, Total: down},
		suppress.Line{Parts: stayedParts, Total: stayed},
		suppress.Line{Parts: []int{up, down, stayed}, Total: prevTotal},
		suppress.Line{Parts: []int{prevTotal, entered}, Total: g.Index(6, 5)},
	)
	// The margins are the distributions of the day before the period and
	// of its as-of day, counted from the same people as the grid rather
	// than read again: suppressed exactly as those reports suppress them.
	var prevCounts, curCounts pathway.RungCounts
	for i := range 5 {
		prevCounts[i] = t.Counts[g.Index(i, 5)]
		curCounts[i] = t.Counts[g.Index(6, i)]
	}
	_, prevR, err := s.canonical(prevCounts)
	if err != nil {
		return nil, err
	}
	_, curR, err := s.canonical(curCounts)
	if err != nil {
		return nil, err
	}
	fixed := map[int]bool{prevTotal: prevR.Suppressed[5], g.Index(6, 5): curR.Suppressed[5]}
	for i := range 5 {
		fixed[g.Index(i, 5)] = prevR.Suppressed[i]
		fixed[g.Index(6, i)] = curR.Suppressed[i]
	}
	r, err := applyConsistent(s.K, t, fixed)
	if err != nil {
		return nil, err
	}
	// Fewer than k people: the counts that stand alone are hidden too.
	small := r.Reason == suppress.ReasonSmallPopulation
	m := &Movement{
		Header: s.header(p, asOf, r),
		Up:     count(t, r, up), Down: count(t, r, down), Stayed: count(t, r, stayed), Entered: count(t, r, entered),
		BelowHighest: s.single(mc.BelowPeak),
	}
	if small {
		m.BelowHighest = Count{Suppressed: true}
	}
	for i := range 6 {
		for j, to := range pathway.Rungs {
			tr := Transition{To: to, Count: count(t, r, g.Index(i, j))}
			if i < 5 {
				from := pathway.Rungs[i]
				tr.From = &from
			}
			m.Transitions = append(m.Transitions, tr)
		}
	}
	for i, rung := range pathway.Rungs {
		m.Previous.Cells = append(m.Previous.Cells, RungCell{Rung: rung, Count: count(t, r, g.Index(i, 5))})
		m.Current.Cells = append(m.Current.Cells, RungCell{Rung: rung, Count: count(t, r, g.Index(6, i))})
		stay := MedianStay{Rung: rung}
		if days := mc.DaysBeforeUp[i]; len(days) >= s.K && !small {
			med := median(days)
			stay.Days = &med
		} else if len(days) > 0 {
			stay.Suppressed = true
		}
		m.MedianDaysBefore = append(m.MedianDaysBefore, stay)
	}
	m.Previous.Total, m.Current.Total = count(t, r, prevTotal), count(t, r, g.Index(6, 5))
	return m, nil
}

// single publishes a count that stands alone, with no total to protect.
func (s *Service) single(n int) Count {
	if n > 0 && n < s.K {
		return Count{Suppressed: true}
	}
	return Count{Count: &n}
}

func median(xs []int) int {
	xs = slices.Clone(xs)
	sort.Ints(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}

// AudienceCount is how many speaking engagements a body held for one
// audience. Talks are public events, not people, so they are not suppressed.
type AudienceCount struct {
	Audience pathway.Audience `json:"audience"`
	Count    int              `json:"count"`
}

// BodyRow describes one body over a period.
type BodyRow struct {
	BodyID              int64            `json:"body_id"`
	Name                string           `json:"name"`
	Kind                pathway.BodyKind `json:"kind"`
	Seats               *int             `json:"seats"`
	SeatsFilled         Count            `json:"seats_filled"`
	PeopleInPeriod      Count            `json:"people_in_period"`
	SpeakersInPeriod    Count            `json:"speakers_in_period"`
	SpeakingEngagements []AudienceCount  `json:"speaking_engagements"`
}

// Roles is how bodies were filled and used over a period.
type Roles struct {
	Header
	Bodies []BodyRow `json:"bodies"`
}

// Roles reports every body's seats, the people who held roles and the
// talks given. Each count of people stands alone and is suppressed below k.
func (s *Service) Roles(ctx context.Context, period string) (*Roles, error) {
	p, asOf, err := s.period(period)
	if err != nil {
		return nil, err
	}
	bcs, err := s.Store.BodyCountsIn(ctx, p.Start, asOf)
	if err != nil {
		return nil, err
	}
	out := &Roles{Header: Header{Period: p.Label, AsOf: asOf, MinCellSize: s.K}, Bodies: []BodyRow{}}
	for _, bc := range bcs {
		row := BodyRow{
			BodyID: bc.Body.ID, Name: bc.Body.Name, Kind: bc.Body.Kind, Seats: bc.Body.Seats,
			SeatsFilled: s.single(bc.FilledAtEnd), PeopleInPeriod: s.single(bc.PeopleInPeriod), SpeakersInPeriod: s.single(bc.SpeakersInPeriod),
			SpeakingEngagements: []AudienceCount{},
		}
		for _, a := range pathway.Audiences {
			if n := bc.TalksByAudience[a]; n > 0 {
				row.SpeakingEngagements = append(row.SpeakingEngagements, AudienceCount{Audience: a, Count: n})
			}
		}
		out.Bodies = append(out.Bodies, row)
	}
	return out, nil
}

// ScoreCell is the count of people whose latest score is Score.
type ScoreCell struct {
	Score int `json:"score"`
	Count
}

// CapacityRow is one capacity's scores and change.
type CapacityRow struct {
	Capacity pathway.Capacity `json:"capacity"`
	Scores   []ScoreCell      `json:"scores"`
	Improved Count            `json:"improved"`
	Stayed   Count            `json:"stayed"`
	Declined Count            `json:"declined"`
}

// Capacity is how the client social change capacities stand and change.
type Capacity struct {
	Header
	Perspective pathway.Perspective `json:"perspective"`
	// CheckedIn is everyone with a check-in; Compared those with two or
	// more, whose latest is compared with their first.
	CheckedIn  Count         `json:"checked_in"`
	Compared   Count         `json:"compared"`
	Capacities []CapacityRow `json:"capacities"`
}

// Capacity reports people by latest score per capacity and how many
// improved, stayed or declined since their first check-in. The three
// capacities share their totals, so they are protected as one table.
func (s *Service) Capacity(ctx context.Context, period string, perspective pathway.Perspective) (*Capacity, error) {
	p, asOf, err := s.period(period)
	if err != nil {
		return nil, err
	}
	ccs, err := s.Store.CapacityCountsOn(ctx, asOf, perspective)
	if err != nil {
		return nil, err
	}
	// Layout: per capacity 4 scores then 3 changes; then the two totals.
	const per = 7
	checked, compared := per*len(ccs), per*len(ccs)+1
	t := suppress.Table{Counts: make([]int, compared+1)}
	for c, cc := range ccs {
		scoreParts, changeParts := make([]int, 4), make([]int, 3)
		for i, v := range cc.ByScore {
			t.Counts[c*per+i], scoreParts[i] = v, c*per+i
		}
		for i, v := range []int{cc.Improved, cc.Stayed, cc.Declined} {
			t.Counts[c*per+4+i], changeParts[i] = v, c*per+4+i
		}
		t.Lines = append(t.Lines, suppress.Line{Parts: scoreParts, Total: checked}, suppress.Line{Parts: changeParts, Total: compared})
	}
	if len(ccs) > 0 {
		for i := range 4 {
			t.Counts[checked] += ccs[0].ByScore[i]
		}
		t.Counts[compared] = ccs[0].Improved + ccs[0].Stayed + ccs[0].Declined
	}
	t.Population = t.Counts[checked]
	r, err := suppress.Apply(s.K, t)
	if err != nil {
		return nil, err
	}
	out := &Capacity{Header: s.header(p, asOf, r), Perspective: perspective, CheckedIn: count(t, r, checked), Compared: count(t, r, compared)}
	for c, cc := range ccs {
		row := CapacityRow{Capacity: cc.Capacity, Improved: count(t, r, c*per+4), Stayed: count(t, r, c*per+5), Declined: count(t, r, c*per+6)}
		for i := range 4 {
			row.Scores = append(row.Scores, ScoreCell{Score: i + 1, Count: count(t, r, c*per+i)})
		}
		out.Capacities = append(out.Capacities, row)
	}
	return out, nil
}
