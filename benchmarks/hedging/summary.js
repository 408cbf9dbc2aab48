// Summary of a hedging benchmark run (benchmarks/hedging/run.sh): reads the rows the script wrote (one per variant
// and repetition, tab-separated) and prints, as Markdown, each variant's median and range over the repetitions and
// the goals of issue 16 judged on the ratios of each repetition (hedging p99 over hedging-off p99 of the same
// repetition, so a repetition's conditions are shared by the two figures it compares).
//   node summary.js <rows.tsv> <variants, space-separated>
const fs = require("fs");
const [rowsFile, variantList] = process.argv.slice(2);
const columns = ["variant", "ok", "errors", "p50", "p99", "p999", "max", "windows", "extra", "sent", "won", "refused",
  "delay", "caller", "machine", "rep"];
const rows = fs.readFileSync(rowsFile, "utf8").split("\n").filter((line) => line.trim() !== "").map((line) => {
  const cells = line.split("\t");
  const row = {};
  columns.forEach((name, i) => (row[name] = (name === "variant" || name === "delay" || name === "windows")
    ? cells[i] : Number(cells[i])));
  return row;
});
// the repetition of a row is its order among the rows of its variant (the script writes them in the order it runs)
const seen = {};
for (const row of rows) {
  seen[row.variant] = (seen[row.variant] || 0) + 1;
  row.rep = seen[row.variant];
}
const variants = variantList.split(/\s+/).filter((v) => rows.some((r) => r.variant === v));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x, digits) => Number(x.toFixed(digits)).toString();
const spread = (values, digits) => values.length === 1 ? round(values[0], digits)
  : `${round(median(values), digits)} (${round(Math.min(...values), digits)}-${round(Math.max(...values), digits)})`;
const of = (variant) => rows.filter((r) => r.variant === variant);
const hedged = (v) => v.startsWith("hedging") && v !== "hedging-off";
const reps = Math.max(...rows.map((r) => r.rep));

console.log(`## Over ${reps} repetition${reps > 1 ? "s" : ""}: median (range)`);
console.log("");
console.log("| variant | runs | errors | p50 ms | p99 ms | p99.9 ms | extra calls % | hedges sent / won / refused (medians) | caller cores |");
console.log("|---|---:|---:|---|---|---|---|---|---|");
for (const v of variants) {
  const r = of(v);
  const pick = (name) => r.map((x) => x[name]);
  const hedges = hedged(v) ? `${median(pick("sent"))} / ${median(pick("won"))} / ${median(pick("refused"))}` : "-";
  console.log(`| ${v} | ${r.length} | ${pick("errors").reduce((a, b) => a + b, 0)} | ${spread(pick("p50"), 2)} | ` +
    `${spread(pick("p99"), 1)} | ${spread(pick("p999"), 1)} | ${spread(pick("extra"), 1)} | ${hedges} | ` +
    `${spread(pick("caller"), 2)} |`);
}
console.log("");
const off = of("hedging-off");
if (off.length > 0) {
  console.log("## Goals (issue 16), on the ratios of each repetition: median (range)");
  console.log("");
  for (const v of variants.filter(hedged)) {
    const ratios = (base) => of(v).map((r) => {
      const same = of(base).find((b) => b.rep === r.rep);
      return same ? r.p99 / same.p99 : NaN;
    }).filter((x) => !Number.isNaN(x));
    const vsOff = ratios("hedging-off");
    const vsRr = ratios("round-robin");
    const extra = of(v).map((r) => r.extra);
    const verdict = (values, goal) => (Math.max(...values) <= goal ? "met in every repetition"
      : median(values) <= goal ? "met at the median, missed in some repetitions" : "missed");
    let line = `- ${v}: p99 / p99 of hedging-off (same balancer): ${spread(vsOff, 3)} (goal <= 0.25: ${verdict(vsOff, 0.25)})`;
    if (vsRr.length > 0) line += `; p99 / p99 of round-robin: ${spread(vsRr, 3)}`;
    line += `; extra calls ${spread(extra, 1)} % (goal <= 10 %: ${verdict(extra, 10)})`;
    console.log(line);
  }
  console.log("");
}
