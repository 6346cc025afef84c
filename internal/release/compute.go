package release

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"pathway/internal/pathway"
)

// Shares is how a release's ε is split across its tables. The shares add
// up to 1, so by sequential composition the release spends exactly its ε.
var Shares = map[string]float64{
	pathway.TableDistribution:  0.25,
	pathway.TablePrograms:      0.15,
	pathway.TableMovement:      0.30,
	pathway.TableRoles:         0.05,
	pathway.TableCapacitySelf:  0.125,
	pathway.TableCapacityStaff: 0.125,
}

// sensitivity is how much one person can add to a table: at most lInf to
// each of at most l0 cells, as the store's contribution bounds guarantee.
type sensitivity struct {
	l0, lInf int64
	bound    string
}

var sensitivities = map[string]sensitivity{
	pathway.TableDistribution: {1, 1, "each person counts once, on their rung on the period's last day"},
	pathway.TablePrograms: {pathway.ProgramsPerPerson, 1, fmt.Sprintf("each person counts in at most %d programs (the ones they joined first), or once in \"No program\"",
		pathway.ProgramsPerPerson)},
	pathway.TableMovement: {1, 1, "each person counts once, by their rung before the period and on its last day"},
	pathway.TableRoles: {2 * pathway.BodiesPerPerson, 1, fmt.Sprintf("each person counts in at most %d bodies (where they started first), once as holding a role and once as a speaker",
		pathway.BodiesPerPerson)},
	pathway.TableCapacitySelf:  {int64(len(pathway.Capacities)), 1, "each person counts once per capacity, by their latest check-in"},
	pathway.TableCapacityStaff: {int64(len(pathway.Capacities)), 1, "each person counts once per capacity, by their latest check-in"},
}

// Config is how releases are made.
type Config struct {
	// Epsilon is the ε one release spends, split across its tables by Shares.
	Epsilon float64
	// K is the smallest noised count shown as a number; below it a count
	// reads "fewer than k".
	K int
	// Noise draws the noise; nil means the library's Laplace mechanism.
	Noise Noise
}

// builder noises the cells of one table and publishes them.
type builder struct {
	cfg     Config
	noise   Noise
	sens    sensitivity
	epsilon float64
	lambda  float64
	err     error
}

// noised noises raw counts and projects them onto non-negative integers
// that add up to their noised sum.
func (b *builder) noised(raw []int) []int {
	noisy := make([]int64, len(raw))
	for i, v := range raw {
		n, err := b.noise.Add(int64(v), b.sens.l0, b.sens.lInf, b.epsilon)
		if err != nil && b.err == nil {
			b.err = err
		}
		noisy[i] = n
	}
	return Project(noisy)
}

// count publishes one cell.
func (b *builder) count(n int) Count {
	if n < b.cfg.K {
		return Count{FewerThanK: true}
	}
	return Count{Count: &n}
}

// total publishes the sum of n published cells.
func (b *builder) total(sum, n int) Total {
	return Total{Count: b.count(sum), Margin95: SumMargin95(n, b.lambda)}
}

func (b *builder) rungs(vals []int) ([]RungCell, Total) {
	cells := make([]RungCell, len(pathway.Rungs))
	sum := 0
	for i, r := range pathway.Rungs {
		cells[i] = RungCell{Rung: r, Count: b.count(vals[i])}
		sum += vals[i]
	}
	return cells, b.total(sum, len(vals))
}

// Compute noises every table of c once and returns the release, its tables
// already encoded as the bytes that will be served.
func Compute(cfg Config, c *pathway.ReleaseCounts, publishedAt time.Time, publishedBy string) (*pathway.Release, error) {
	if cfg.Epsilon <= 0 {
		return nil, fmt.Errorf("compute release: ε must be positive, not %v", cfg.Epsilon)
	}
	if cfg.Noise == nil {
		cfg.Noise = Laplace{}
	}
	rel := &pathway.Release{
		Period: c.Period, PublishedAt: publishedAt.UTC().Truncate(time.Second), PublishedBy: publishedBy,
		Epsilon: cfg.Epsilon, Method: Method, Library: Library, MinCellSize: cfg.K,
	}
	for _, name := range pathway.ReleaseTables {
		s := sensitivities[name]
		eps := cfg.Epsilon * Shares[name]
		margin, err := Margin95(s.l0, s.lInf, eps)
		if err != nil {
			return nil, err
		}
		b := &builder{cfg: cfg, noise: cfg.Noise, sens: s, epsilon: eps, lambda: Scale(s.l0, s.lInf, eps)}
		h := Header{
			Period: c.Period.Label, Kind: c.Period.Kind, StartsOn: c.Period.Start, EndsOn: c.Period.End, PublishedAt: rel.PublishedAt,
			Method: Method, Epsilon: eps, ReleaseEpsilon: cfg.Epsilon, MinCellSize: cfg.K, Bound: s.bound, Margin95: margin,
		}
		var table any
		var rows [][]string
		switch name {
		case pathway.TableDistribution:
			table, rows = b.distribution(h, c)
		case pathway.TablePrograms:
			table, rows = b.programs(h, c)
		case pathway.TableMovement:
			table, rows = b.movement(h, c)
		case pathway.TableRoles:
			table, rows = b.roles(h, c)
		case pathway.TableCapacitySelf:
			table, rows = b.capacity(h, c, pathway.PerspectiveSelf)
		case pathway.TableCapacityStaff:
			table, rows = b.capacity(h, c, pathway.PerspectiveStaff)
		}
		if b.err != nil {
			return nil, fmt.Errorf("compute %s: %w", name, b.err)
		}
		js, err := json.Marshal(table)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		cs, err := encodeCSV(h, rows)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		rel.Tables = append(rel.Tables, pathway.ReleaseTable{
			Name: name, Epsilon: eps, L0: int(s.l0), LInf: int(s.lInf), Bound: s.bound, Margin95: margin, JSON: js, CSV: cs,
		})
	}
	return rel, nil
}

func (b *builder) distribution(h Header, c *pathway.ReleaseCounts) (any, [][]string) {
	end := c.Grid.AtEnd()
	cells, total := b.rungs(b.noised(end[:]))
	d := &Distribution{Header: h, Cells: cells, Total: total}
	w := csvRows{}
	w.rungs("distribution", "all programs", cells, total)
	return d, w.rows
}

func (b *builder) programs(h Header, c *pathway.ReleaseCounts) (any, [][]string) {
	d := &ProgramDistribution{Header: h, Rows: []ProgramRow{}}
	w := csvRows{}
	add := func(id *int64, name string, raw pathway.RungCounts) {
		cells, total := b.rungs(b.noised(raw[:]))
		d.Rows = append(d.Rows, ProgramRow{ProgramID: id, Program: name, Cells: cells, Total: total})
		w.rungs("distribution by program", name, cells, total)
	}
	for _, p := range c.Programs {
		id := p.ID
		add(&id, p.Name, c.ByProgram[p.ID])
	}
	add(nil, "No program", c.NoProgram)
	return d, w.rows
}

func (b *builder) movement(h Header, c *pathway.ReleaseCounts) (any, [][]string) {
	// Rows 0-4: from each rung; row 5: entered during the period.
	raw := make([]int, 0, 30)
	for i := range 5 {
		raw = append(raw, c.Grid.From[i][:]...)
	}
	raw = append(raw, c.Grid.Entered[:]...)
	vals := b.noised(raw)
	at := func(i, j int) int { return vals[i*5+j] }
	m := &Movement{Header: h}
	w := csvRows{}
	var up, down, stayed, entered, nUp, nDown int
	var prev, cur [5]int
	for i := range 6 {
		for j, to := range pathway.Rungs {
			v := at(i, j)
			t := Transition{To: to, Count: b.count(v)}
			group := "entered"
			if i < 5 {
				from := pathway.Rungs[i]
				t.From, group = &from, "from "+from.String()
				prev[i] += v
				switch {
				case j > i:
					up, nUp = up+v, nUp+1
				case j < i:
					down, nDown = down+v, nDown+1
				default:
					stayed += v
				}
			} else {
				entered += v
			}
			cur[j] += v
			m.Transitions = append(m.Transitions, t)
			w.add("movement", group, "to "+to.String(), t.Count, nil)
		}
	}
	m.Up, m.Down, m.Stayed, m.Entered = b.total(up, nUp), b.total(down, nDown), b.total(stayed, 5), b.total(entered, 5)
	m.Previous = b.rungSums(prev, 5)
	m.Current = b.rungSums(cur, 6)
	for _, s := range []struct {
		item string
		t    Total
	}{{"up", m.Up}, {"down", m.Down}, {"stayed", m.Stayed}, {"entered", m.Entered}} {
		w.add("movement", "summary", s.item, s.t.Count, &s.t.Margin95)
	}
	w.rungSums("movement", "before the period", m.Previous)
	w.rungSums("movement", "at the end", m.Current)
	return m, w.rows
}

// rungSums publishes sums along one side of the movement grid, each a sum
// of per cells.
func (b *builder) rungSums(vals [5]int, per int) RungTotals {
	t := RungTotals{Cells: make([]RungCell, 5), CellMargin95: SumMargin95(per, b.lambda)}
	sum := 0
	for i, r := range pathway.Rungs {
		t.Cells[i] = RungCell{Rung: r, Count: b.count(vals[i])}
		sum += vals[i]
	}
	t.Total = b.total(sum, 5*per)
	return t
}

func (b *builder) roles(h Header, c *pathway.ReleaseCounts) (any, [][]string) {
	r := &Roles{Header: h, Bodies: []BodyRow{}}
	w := csvRows{}
	for _, bc := range c.Bodies {
		// Each count stands alone, with no total to keep.
		held := b.noised([]int{bc.HoldingAtEnd})[0]
		if bc.Body.Seats != nil {
			// Post-processing: nobody can hold more seats than there are.
			held = min(held, *bc.Body.Seats)
		}
		spoke := b.noised([]int{bc.Speakers})[0]
		row := BodyRow{
			BodyID: bc.Body.ID, Name: bc.Body.Name, Kind: bc.Body.Kind, Seats: bc.Body.Seats,
			SeatsFilled: b.count(held), SpeakersInPeriod: b.count(spoke), SpeakingEngagements: []AudienceCount{},
		}
		w.add("roles", bc.Body.Name, "seats filled", row.SeatsFilled, nil)
		w.add("roles", bc.Body.Name, "speakers", row.SpeakersInPeriod, nil)
		for _, a := range pathway.Audiences {
			if n := bc.Talks[a]; n > 0 {
				row.SpeakingEngagements = append(row.SpeakingEngagements, AudienceCount{Audience: a, Count: n})
				w.add("roles", bc.Body.Name, "talks to "+string(a), Count{Count: &n}, nil)
			}
		}
		r.Bodies = append(r.Bodies, row)
	}
	return r, w.rows
}

func (b *builder) capacity(h Header, c *pathway.ReleaseCounts, p pathway.Perspective) (any, [][]string) {
	out := &Capacity{Header: h, Perspective: p, Capacities: []CapacityRow{}}
	w := csvRows{}
	byCap := map[pathway.Capacity][4]int{}
	for _, cs := range c.Capacity[p] {
		byCap[cs.Capacity] = cs.ByScore
	}
	for _, capacity := range pathway.Capacities {
		raw := byCap[capacity]
		vals := b.noised(raw[:])
		row := CapacityRow{Capacity: capacity}
		sum := 0
		for i, v := range vals {
			row.Scores = append(row.Scores, ScoreCell{Score: i + 1, Count: b.count(v)})
			w.add("capacity "+string(p), string(capacity), "score "+strconv.Itoa(i+1), row.Scores[i].Count, nil)
			sum += v
		}
		row.Total = b.total(sum, len(vals))
		w.add("capacity "+string(p), string(capacity), "checked in", row.Total.Count, &row.Total.Margin95)
		out.Capacities = append(out.Capacities, row)
	}
	return out, w.rows
}

// ProgramRowTable picks one program's row out of a stored by-program table and
// shapes it as a distribution, in JSON and CSV: post-processing of stored
// numbers only, so the same bytes on every fetch. EINVALID when the program
// is not in the table.
func ProgramRowTable(t *pathway.ReleaseTable, id int64) (js, cs []byte, err error) {
	var pd ProgramDistribution
	if err := json.Unmarshal(t.JSON, &pd); err != nil {
		return nil, nil, fmt.Errorf("read stored table: %w", err)
	}
	for _, row := range pd.Rows {
		if row.ProgramID == nil || *row.ProgramID != id {
			continue
		}
		d := Distribution{Header: pd.Header, ProgramID: row.ProgramID, Cells: row.Cells, Total: row.Total}
		if js, err = json.Marshal(d); err != nil {
			return nil, nil, fmt.Errorf("encode program row: %w", err)
		}
		w := csvRows{}
		w.rungs("distribution by program", row.Program, row.Cells, row.Total)
		if cs, err = encodeCSV(pd.Header, w.rows); err != nil {
			return nil, nil, fmt.Errorf("encode program row: %w", err)
		}
		return js, cs, nil
	}
	return nil, nil, pathway.Invalid("program_id", "release.program_absent")
}

// CSVHeader is the first row of every table's CSV: one published count a
// row, in a long format a spreadsheet can pivot. Every row says how it was
// made (the table's ε, the release's ε and the method), so that a count
// copied out of the file keeps its caveats.
var CSVHeader = []string{"period", "section", "group", "item", "count", "fewer_than_k", "margin_95", "epsilon", "release_epsilon", "method"}

// csvRows accumulates a table's CSV rows, without the period column.
type csvRows struct{ rows [][]string }

// add appends one count; margin is nil for a cell, which carries the
// table's margin.
func (w *csvRows) add(section, group, item string, c Count, margin *int) {
	n, m := "", ""
	if c.Count != nil {
		n = strconv.Itoa(*c.Count)
	}
	if margin != nil {
		m = strconv.Itoa(*margin)
	}
	w.rows = append(w.rows, []string{section, group, item, n, strconv.FormatBool(c.FewerThanK), m})
}

// sums is rungs for cells that are each a sum of noised cells, with
// margin their own margin.
func (w *csvRows) rungs(section, group string, cells []RungCell, total Total) {
	for _, c := range cells {
		w.add(section, group, c.Rung.String(), c.Count, nil)
	}
	w.add(section, group, "total", total.Count, &total.Margin95)
}

func (w *csvRows) rungSums(section, group string, t RungTotals) {
	for _, c := range t.Cells {
		w.add(section, group, c.Rung.String(), c.Count, &t.CellMargin95)
	}
	w.add(section, group, "total", t.Total.Count, &t.Total.Margin95)
}

// encodeCSV writes a table's rows under the common header, a cell's margin
// filled in from the table's, with every cell a spreadsheet could read as
// a formula neutralised.
func encodeCSV(h Header, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if r[5] == "" {
			r[5] = strconv.Itoa(h.Margin95)
		}
		row := append(append([]string{h.Period}, r...),
			strconv.FormatFloat(h.Epsilon, 'g', -1, 64), strconv.FormatFloat(h.ReleaseEpsilon, 'g', -1, 64), h.Method)
		for i := range row {
			row[i] = SafeCSVCell(row[i])
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// SafeCSVCell neutralises a value a spreadsheet would run as a formula:
// one that starts with = + - @ (or their full-width forms), also after
// leading spaces, line breaks and invisible format characters, which
// spreadsheets skip, or that starts with a tab or a carriage return. Such a
// value gets a leading apostrophe. Every CSV Pathway writes goes through it.
func SafeCSVCell(v string) string {
	if strings.HasPrefix(v, "\t") || strings.HasPrefix(v, "\r") {
		return "'" + v
	}
	rest := strings.TrimLeftFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) })
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && strings.ContainsRune("=+-@＝＋－＠", r) {
		return "'" + v
	}
	return v
}
