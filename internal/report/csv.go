package report

import (
	"strconv"

	"pathway/internal/pathway"
)

// CSVHeader is the first row of every report's CSV: one published count a
// row, in a long format a spreadsheet can pivot.
var CSVHeader = []string{"period", "as_of", "section", "group", "item", "count", "suppressed"}

// csvRows accumulates a report's CSV rows.
type csvRows struct {
	h    Header
	rows [][]string
}

func (w *csvRows) add(section, group, item string, c Count) {
	n := ""
	if c.Count != nil {
		n = strconv.Itoa(*c.Count)
	}
	w.rows = append(w.rows, []string{w.h.Period, w.h.AsOf.String(), section, group, item, n, strconv.FormatBool(c.Suppressed)})
}

func (w *csvRows) rungs(section, group string, cells []RungCell, total Count) {
	for _, c := range cells {
		w.add(section, group, c.Rung.String(), c.Count)
	}
	w.add(section, group, "total", total)
}

func plain(n int) Count { return Count{Count: &n} }

// CSV returns the report's rows.
func (d *Distribution) CSV() [][]string {
	w := csvRows{h: d.Header}
	group := "all programs"
	if d.ProgramID != nil {
		group = "program " + strconv.FormatInt(*d.ProgramID, 10)
	}
	w.rungs("distribution", group, d.Cells, d.Total)
	return w.rows
}

// CSV returns the report's rows.
func (d *ProgramDistribution) CSV() [][]string {
	w := csvRows{h: d.Header}
	for _, r := range d.Rows {
		w.rungs("distribution by program", r.Program, r.Cells, r.Total)
	}
	w.rungs("distribution by program", "all participants", d.Totals.Cells, d.Totals.Total)
	return w.rows
}

// CSV returns the report's rows.
func (m *Movement) CSV() [][]string {
	w := csvRows{h: m.Header}
	for _, t := range m.Transitions {
		from := "entered"
		if t.From != nil {
			from = t.From.String()
		}
		w.add("transitions", "from "+from, "to "+t.To.String(), t.Count)
	}
	w.add("summary", "", "up", m.Up)
	w.add("summary", "", "down", m.Down)
	w.add("summary", "", "stayed", m.Stayed)
	w.add("summary", "", "entered", m.Entered)
	w.add("summary", "", "below highest rung reached", m.BelowHighest)
	w.rungs("previous", "", m.Previous.Cells, m.Previous.Total)
	w.rungs("current", "", m.Current.Cells, m.Current.Total)
	for _, s := range m.MedianDaysBefore {
		w.add("median days before moving up", "", s.Rung.String(), Count{Count: s.Days, Suppressed: s.Suppressed})
	}
	return w.rows
}

// CSV returns the report's rows.
func (r *Roles) CSV() [][]string {
	w := csvRows{h: r.Header}
	for _, b := range r.Bodies {
		if b.Seats != nil {
			w.add("bodies", b.Name, "seats", plain(*b.Seats))
		}
		w.add("bodies", b.Name, "seats filled", b.SeatsFilled)
		w.add("bodies", b.Name, "people in period", b.PeopleInPeriod)
		w.add("bodies", b.Name, "speakers in period", b.SpeakersInPeriod)
		for _, a := range b.SpeakingEngagements {
			w.add("speaking engagements", b.Name, string(a.Audience), plain(a.Count))
		}
	}
	return w.rows
}

// CSV returns the report's rows.
func (c *Capacity) CSV() [][]string {
	w := csvRows{h: c.Header}
	w.add("capacity", string(c.Perspective), "checked in", c.CheckedIn)
	w.add("capacity", string(c.Perspective), "compared", c.Compared)
	for _, row := range c.Capacities {
		for _, s := range row.Scores {
			w.add(string(row.Capacity), "latest score", strconv.Itoa(s.Score), s.Count)
		}
		w.add(string(row.Capacity), "since first check-in", "improved", row.Improved)
		w.add(string(row.Capacity), "since first check-in", "stayed", row.Stayed)
		w.add(string(row.Capacity), "since first check-in", "declined", row.Declined)
	}
	return w.rows
}

// LadderCSV lists the programs on each rung; nothing personal, nothing suppressed.
func LadderCSV(l []pathway.LadderRung) [][]string {
	rows := [][]string{{"rung", "program_id", "program", "estimated_served"}}
	for _, r := range l {
		if len(r.Programs) == 0 {
			rows = append(rows, []string{r.Rung.String(), "", "", ""})
		}
		for _, p := range r.Programs {
			served := ""
			if p.EstimatedServed != nil {
				served = strconv.Itoa(*p.EstimatedServed)
			}
			rows = append(rows, []string{r.Rung.String(), strconv.FormatInt(p.ID, 10), p.Name, served})
		}
	}
	return rows
}
