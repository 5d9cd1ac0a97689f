namespace BadgeFlow.Local.Dashboard;

/// <summary>
/// The dashboard page, compiled into the tool so it runs offline from a single binary (no CDN, no files beside it).
/// The script renders only with textContent: zone names come from the campus file and are never parsed as HTML.
/// </summary>
internal static class DashboardAssets
{
    public const string IndexHtml = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>BadgeFlow — crowd density</title>
          <link rel="stylesheet" href="/dashboard.css">
        </head>
        <body>
          <header>
            <h1>BadgeFlow <span class="sub">crowd density</span></h1>
            <div id="window-label" data-window-start="">waiting for the first report…</div>
            <div id="status" aria-live="polite"></div>
          </header>
          <main>
            <section id="heatmap" aria-label="Campus heat map"></section>
            <aside id="report" aria-label="Density report">
              <div id="severity" class="severity"></div>
              <div id="worst"></div>
              <table id="top-zones">
                <thead><tr><th>#</th><th>zone</th><th>p/m²</th><th>LoS</th><th>util.</th><th>Δ occ.</th></tr></thead>
                <tbody></tbody>
              </table>
              <section id="staffing" aria-label="Staffing">
                <h2>Staffing</h2>
                <div id="staffing-summary">no staffing in this report</div>
                <table id="staffing-zones">
                  <thead><tr><th>zone</th><th>staff</th></tr></thead>
                  <tbody></tbody>
                </table>
              </section>
              <dl id="totals"></dl>
            </aside>
          </main>
          <footer>
            <span class="legend">Fruin level of service (persons/m²):</span>
            <span class="los los-A">A ≤ 0.83</span><span class="los los-B">B ≤ 1.08</span><span class="los los-C">C ≤ 1.54</span>
            <span class="los los-D">D ≤ 3.59</span><span class="los los-E">E ≤ 5.38</span><span class="los los-F">F &gt; 5.38</span>
            <span class="los no-data">no reads</span>
          </footer>
          <script src="/dashboard.js"></script>
        </body>
        </html>
        """;

    public const string Css = """
        :root { font-family: system-ui, sans-serif; color: #1d2330; background: #f4f5f7; }
        body { margin: 0; }
        header { display: flex; gap: 2rem; align-items: baseline; padding: .8rem 1.2rem; background: #1d2330; color: #fff; }
        h1 { margin: 0; font-size: 1.3rem; } .sub { font-weight: normal; opacity: .7; }
        #window-label { font-size: 1.1rem; font-variant-numeric: tabular-nums; }
        #status { margin-left: auto; font-size: .85rem; opacity: .8; }
        main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 1fr); gap: 1rem; padding: 1rem 1.2rem; }
        .venue { background: #fff; border-radius: 8px; padding: .6rem .8rem; margin-bottom: 1rem; box-shadow: 0 1px 2px #0002; }
        .venue h2 { margin: 0 0 .4rem; font-size: 1rem; }
        .floor h3 { margin: .4rem 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: #667; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: .4rem; }
        .tile { border-radius: 6px; padding: .45rem .55rem; min-height: 4.2rem; display: flex; flex-direction: column; justify-content: space-between; }
        .tile .name { font-size: .8rem; font-weight: 600; }
        .tile .figure { font-size: 1.05rem; font-variant-numeric: tabular-nums; }
        .tile .meta { font-size: .7rem; opacity: .85; }
        .tile.top { outline: 3px solid #1d2330; }
        .los-A { background: #2e9d4f; color: #fff; } .los-B { background: #8cc63f; color: #1d2330; }
        .los-C { background: #f4d03f; color: #1d2330; } .los-D { background: #f39c12; color: #1d2330; }
        .los-E { background: #e74c3c; color: #fff; } .los-F { background: #7b1020; color: #fff; }
        .no-data { background: #dfe2e6; color: #667; }
        aside { background: #fff; border-radius: 8px; padding: .8rem; box-shadow: 0 1px 2px #0002; align-self: start; }
        .severity { display: inline-block; font-weight: 700; padding: .2rem .6rem; border-radius: 4px; }
        .severity.INFO { background: #d6eaf8; } .severity.WARNING { background: #f39c12; } .severity.CRITICAL { background: #7b1020; color: #fff; }
        table { width: 100%; border-collapse: collapse; margin: .6rem 0; font-size: .85rem; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: .2rem .3rem; border-bottom: 1px solid #eee; white-space: nowrap; }
        td:nth-child(2) { white-space: normal; }
        #staffing h2 { font-size: 1rem; margin: .6rem 0 .2rem; }
        .tile .staff { font-size: .7rem; font-weight: 700; }
        dl { display: grid; grid-template-columns: auto auto; gap: .2rem .8rem; font-size: .85rem; margin: 0; }
        dt { color: #667; } dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
        footer { padding: 0 1.2rem 1rem; font-size: .8rem; display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
        footer .los { padding: .1rem .4rem; border-radius: 3px; }
        """;

    public const string Script = """
        "use strict";
        (() => {
          const pollMs = 2000;
          let shownWindow = null;

          const el = (tag, className, text) => {
            const e = document.createElement(tag);
            if (className) e.className = className;
            if (text !== undefined) e.textContent = text;
            return e;
          };
          const hhmm = iso => new Date(iso).toISOString().substring(11, 16);
          const day = iso => new Date(iso).toISOString().substring(0, 10);
          const pct = x => (100 * x).toFixed(0) + "%";

          function renderHeatMap(campus, report) {
            const staffing = new Map(report && report.staffing ? report.staffing.zones.map(s => [s.zoneId, s.staff]) : []);
            const readings = new Map((report ? report.zones : []).map(z => [z.zoneId, z]));
            const top = new Set(report ? report.top : []);
            const zones = campus.slice();
            for (const z of readings.values()) {
              if (!zones.some(c => c.zoneId === z.zoneId)) {
                zones.push({ zoneId: z.zoneId, name: z.name || z.zoneId, venue: z.venue || "Not in the campus registry", floor: null });
              }
            }
            const venues = new Map();
            for (const z of zones) {
              const floors = venues.get(z.venue) || new Map();
              const floor = z.floor || "";
              if (!floors.has(floor)) floors.set(floor, []);
              floors.get(floor).push(z);
              venues.set(z.venue, floors);
            }
            const root = document.getElementById("heatmap");
            const fragment = document.createDocumentFragment();
            for (const [venue, floors] of venues) {
              const box = el("div", "venue");
              box.dataset.venue = venue;
              box.appendChild(el("h2", null, venue));
              const byFloor = [...floors].sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true }));
              for (const [floor, list] of byFloor) {
                const f = el("div", "floor");
                if (floor) f.appendChild(el("h3", null, "Floor " + floor));
                const tiles = el("div", "tiles");
                for (const z of list) {
                  const r = readings.get(z.zoneId);
                  const tile = el("div", "tile " + (r ? "los-" + r.level : "no-data") + (top.has(z.zoneId) ? " top" : ""));
                  tile.dataset.zoneId = z.zoneId;
                  tile.dataset.level = r ? r.level : "";
                  tile.dataset.density = r ? String(r.density) : "";
                  tile.title = z.name + (z.kind ? " (" + z.kind + ")" : "");
                  tile.appendChild(el("div", "name", z.name));
                  tile.appendChild(el("div", "figure", r ? r.density.toFixed(2) + " p/m² · " + r.level : "no reads"));
                  tile.appendChild(el("div", "meta", r ? r.occupancy + " present · " + pct(r.utilisation) + " of capacity" : (z.capacity ? "capacity " + z.capacity : "")));
                  if (staffing.has(z.zoneId)) {
                    tile.dataset.staff = String(staffing.get(z.zoneId));
                    tile.appendChild(el("div", "staff", "send " + staffing.get(z.zoneId) + " staff"));
                  }
                  tiles.appendChild(tile);
                }
                f.appendChild(tiles);
                box.appendChild(f);
              }
              fragment.appendChild(box);
            }
            root.replaceChildren(fragment);
          }

          function renderReport(report, published) {
            const label = document.getElementById("window-label");
            const severity = document.getElementById("severity");
            const body = document.querySelector("#top-zones tbody");
            const totals = document.getElementById("totals");
            if (!report) {
              label.textContent = "waiting for the first report…";
              label.dataset.windowStart = "";
              return;
            }
            label.textContent = "Window " + day(report.windowStart) + " " + hhmm(report.windowStart) + "–" + hhmm(report.windowEnd) + " UTC";
            label.dataset.windowStart = report.windowStart;
            severity.textContent = report.severity;
            severity.className = "severity " + report.severity;
            document.getElementById("worst").textContent = report.subject || "";
            const byId = new Map(report.zones.map(z => [z.zoneId, z]));
            const rows = report.top.map((id, i) => {
              const z = byId.get(id) || { zoneId: id, density: 0, level: "?", utilisation: 0 };
              const tr = el("tr");
              tr.dataset.zoneId = id;
              for (const text of [String(z.rank || i + 1), z.name || id, z.density.toFixed(2), z.level, pct(z.utilisation),
                                  z.occupancyChange === undefined ? "" : (z.occupancyChange > 0 ? "+" : "") + z.occupancyChange]) {
                tr.appendChild(el("td", null, text));
              }
              return tr;
            });
            body.replaceChildren(...rows);
            renderStaffing(report, byId);
            const facts = [["reports published", published], ["reads", report.reads], ["distinct badges", report.distinctBadges],
                           ["unmapped reads", report.unmappedReads], ["latest read", report.latestReadAt ? hhmm(report.latestReadAt) + " UTC" : null]];
            totals.replaceChildren(...facts.filter(f => f[1] !== undefined && f[1] !== null)
              .flatMap(([k, v]) => [el("dt", null, k), el("dd", null, String(v))]));
          }

          function renderStaffing(report, byId) {
            const summary = document.getElementById("staffing-summary");
            const body = document.querySelector("#staffing-zones tbody");
            const staffing = report.staffing;
            if (!staffing) {
              summary.textContent = "no staffing in this report";
              body.replaceChildren();
              return;
            }
            const sent = staffing.zones.reduce((sum, z) => sum + z.staff, 0);
            summary.textContent = staffing.onDuty + " on duty, " + sent + " sent to " + staffing.zones.length + " zones";
            body.replaceChildren(...staffing.zones.map(s => {
              const tr = el("tr");
              tr.dataset.zoneId = s.zoneId;
              const z = byId.get(s.zoneId);
              tr.appendChild(el("td", null, z && z.name ? z.name : s.zoneId));
              tr.appendChild(el("td", null, String(s.staff)));
              return tr;
            }));
          }

          async function poll() {
            const status = document.getElementById("status");
            try {
              const response = await fetch("/api/latest-report", { cache: "no-store" });
              if (!response.ok) throw new Error("HTTP " + response.status);
              const snapshot = await response.json();
              const key = snapshot.report ? snapshot.report.windowStart + "#" + snapshot.reportsPublished : "none";
              if (key !== shownWindow) {
                renderHeatMap(snapshot.campus, snapshot.report);
                renderReport(snapshot.report, snapshot.reportsPublished);
                shownWindow = key;
              }
              status.textContent = "updated " + new Date().toLocaleTimeString();
            } catch (e) {
              status.textContent = "feed unavailable (" + e.message + "), retrying";
            }
            setTimeout(poll, pollMs);
          }
          poll();
        })();
        """;
}
