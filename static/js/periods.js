// Report periods: months (YYYY-MM) and quarters (YYYY-Qn) that have begun.

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** This month, as YYYY-MM. */
export function currentMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

/** The last twelve months and the last four quarters, newest first. */
export function recentPeriods() {
  const d = new Date();
  const months = [];
  for (let i = 0; i < 12; i++) {
    const m = new Date(d.getFullYear(), d.getMonth() - i, 1);
    months.push([`${m.getFullYear()}-${String(m.getMonth() + 1).padStart(2, "0")}`, `${MONTHS[m.getMonth()]} ${m.getFullYear()}`]);
  }
  const quarters = [];
  let y = d.getFullYear(), q = Math.floor(d.getMonth() / 3) + 1;
  for (let i = 0; i < 4; i++) {
    quarters.push([`${y}-Q${q}`, `Quarter ${q}, ${y}`]);
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
  }
  return { months, quarters };
}

/** A readable name for a period label. */
export function periodName(label) {
  const { months, quarters } = recentPeriods();
  const hit = [...months, ...quarters].find(([v]) => v === label);
  return hit ? hit[1] : label;
}
