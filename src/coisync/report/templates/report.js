// coisync report: the party table. Reads the embedded JSON once and renders only the visible
// page. Every value reaches the page through textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var P = data.parties, props = data.properties, statuses = data.statuses,
      kinds = data.kinds, labels = data.labels, tops = data.top_codes;
  var S = null, FINDINGS = null, F = {};
  // The findings are a second JSON block after this script, parsed the first time a party is
  // opened (by then the document is complete), so the table is usable while it still loads.
  function loadFindings() {
    if (FINDINGS !== null) return;
    var details = JSON.parse(document.getElementById("report-findings").textContent);
    S = details.strings;
    FINDINGS = details.findings;
    details.fields.forEach(function (name, i) { F[name] = i; });
  }
  var $ = function (id) { return document.getElementById(id); };
  var state = { text: "", status: -1, kind: -1, property: -1, sort: "status", dir: 1, page: 0, size: 50, selected: -1 };
  var view = [];
  var lowered = null;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function str(i) { return i < 0 ? "" : S[i]; }
  function option(select, value, text) { var o = el("option", text); o.value = String(value); select.appendChild(o); }

  // Sort keys, computed once: every comparator is numeric or a short string compare.
  var N = P.length, nameRank = new Int32Array(N), order = new Array(N);
  for (var n = 0; n < N; n++) { nameRank[n] = P[n][8]; order[n] = n; }
  var noProperty = props.length;

  function searchKeys() {
    if (lowered === null) {
      lowered = new Array(N);
      for (var i = 0; i < N; i++) lowered[i] = (P[i][1] + "\u0000" + P[i][0]).toLowerCase();
    }
    return lowered;
  }

  function strCmp(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
  var compare = {
    name: function (a, b) { return nameRank[a] - nameRank[b]; },
    id: function (a, b) { return strCmp(P[a][0], P[b][0]); },
    kind: function (a, b) { return P[a][2] - P[b][2]; },
    status: function (a, b) { return P[a][3] - P[b][3]; },
    // properties are listed by label, so a property's index is its rank
    property: function (a, b) { return (P[a][4].length ? P[a][4][0] : noProperty) - (P[b][4].length ? P[b][4][0] : noProperty); },
    expiration: function (a, b) { return strCmp(P[a][5] || "9999", P[b][5] || "9999"); },
    findings: function (a, b) { return P[a][6] - P[b][6]; }
  };
  var sortedBy = "", sorted = null;

  function sortAll() {
    var key = state.sort + ":" + state.dir;
    if (key === sortedBy) return;
    var by = compare[state.sort], dir = state.dir;
    sorted = order.slice();
    sorted.sort(function (a, b) { return dir * by(a, b) || nameRank[a] - nameRank[b]; });
    sortedBy = key;
  }

  // Filtering walks the sorted order, so the view needs no sort of its own.
  function filter() {
    sortAll();
    var text = state.text, keys = text ? searchKeys() : null, out = [];
    for (var k = 0; k < N; k++) {
      var i = sorted[k], p = P[i];
      if (state.status >= 0 && p[3] !== state.status) continue;
      if (state.kind >= 0 && p[2] !== state.kind) continue;
      if (state.property >= 0 && p[4].indexOf(state.property) < 0) continue;
      if (keys && keys[i].indexOf(text) < 0) continue;
      out.push(i);
    }
    view = out;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    var start = state.page * state.size, end = Math.min(view.length, start + state.size);
    var body = document.createElement("tbody");
    for (var k = start; k < end; k++) body.appendChild(row(view[k]));
    var table = $("party-table");
    table.replaceChild(body, table.tBodies[0]);
    var count = $("match-count");
    count.textContent = view.length.toLocaleString("en-US");
    count.setAttribute("data-count", String(view.length));
    $("page-info").textContent = view.length
      ? "Rows " + (start + 1) + "–" + end + " · page " + (state.page + 1) + " of " + pages
      : "No party matches these filters";
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) {
      var key = heads[h].getAttribute("data-sort");
      if (!key) continue;
      if (key === state.sort) heads[h].setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else heads[h].removeAttribute("aria-sort");
    }
  }

  function row(i) {
    var p = P[i], tr = el("tr");
    tr.setAttribute("data-index", String(i));
    tr.setAttribute("tabindex", "0");
    if (i === state.selected) tr.className = "selected";
    tr.appendChild(el("td", p[1], "name"));
    tr.appendChild(el("td", p[0], "id"));
    tr.appendChild(el("td", kinds[p[2]]));
    var badge = el("span", labels[statuses[p[3]]], "badge s-" + statuses[p[3]]);
    var cell = el("td", null, "status");
    cell.setAttribute("data-status", statuses[p[3]]);
    cell.appendChild(badge);
    tr.appendChild(cell);
    tr.appendChild(el("td", p[4].map(function (x) { return props[x][1]; }).join(", ")));
    tr.appendChild(el("td", p[5]));
    tr.appendChild(el("td", p[6], "num"));
    tr.appendChild(el("td", tops[p[7]].replace(/_/g, " "), "top"));
    return tr;
  }

  function detail(i) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { detail(i); }, { once: true });
      return;
    }
    loadFindings();
    var box = $("detail"), p = P[i], findings = FINDINGS[i];
    state.selected = i;
    box.replaceChildren();
    box.appendChild(el("h3", p[1]));
    var facts = el("p");
    facts.appendChild(el("span", p[0] + " · " + kinds[p[2]] + " · ", "id"));
    facts.appendChild(el("span", labels[statuses[p[3]]], "badge s-" + statuses[p[3]]));
    if (p[5]) facts.appendChild(el("span", " · earliest expiration " + p[5], "id"));
    box.appendChild(facts);
    if (p[4].length) box.appendChild(el("p", "Properties: " + p[4].map(function (x) { return props[x][1] + " (" + props[x][0] + ")"; }).join(", ")));
    if (!findings.length) { box.appendChild(el("p", "No findings: every requirement checked passed.", "empty")); }
    else {
      var table = el("table", null, "data"), head = el("tr");
      ["Finding", "Outcome", "Coverage", "Required", "Found", "Evidence", "Clause", "What to do"].forEach(function (t) { head.appendChild(el("th", t)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      findings.forEach(function (f) {
        var tr = el("tr");
        var code = el("td"); code.appendChild(el("code", str(f[F.code])));
        code.appendChild(el("div", str(f[F.severity]), "sev sev-" + str(f[F.severity])));
        tr.appendChild(code);
        tr.appendChild(el("td", str(f[F.outcome]) + (f[F.waiver_id] >= 0 ? " (" + str(f[F.waiver_id]) + ")" : "")));
        tr.appendChild(el("td", str(f[F.coverage_type]) + (f[F.limit_key] >= 0 ? " · " + str(f[F.limit_key]) : "")));
        tr.appendChild(el("td", str(f[F.required])));
        tr.appendChild(el("td", str(f[F.found])));
        tr.appendChild(el("td", str(f[F.evidence])));
        var clause = el("td", str(f[F.clause]));
        if (f[F.clause_text] >= 0) clause.appendChild(el("blockquote", str(f[F.clause_text])));
        tr.appendChild(clause);
        tr.appendChild(el("td", str(f[F.message])));
        body.appendChild(tr);
      });
      box.appendChild(table);
    }
    box.hidden = false;
    render();
  }

  function update(resetPage) { if (resetPage) state.page = 0; filter(); render(); }

  statuses.forEach(function (s, i) { option($("f-status"), i, labels[s]); });
  kinds.forEach(function (k, i) { option($("f-kind"), i, k); });
  props.forEach(function (p, i) { option($("f-property"), i, p[1] === p[0] ? p[0] : p[1] + " (" + p[0] + ")"); });

  $("f-text").addEventListener("input", function (e) { state.text = e.target.value.trim().toLowerCase(); update(true); });
  $("f-status").addEventListener("change", function (e) { state.status = Number(e.target.value || -1); update(true); });
  $("f-kind").addEventListener("change", function (e) { state.kind = Number(e.target.value || -1); update(true); });
  $("f-property").addEventListener("change", function (e) { state.property = Number(e.target.value || -1); update(true); });
  $("page-size").addEventListener("change", function (e) { state.size = Number(e.target.value); update(true); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  $("filters").addEventListener("reset", function (e) {
    e.preventDefault();
    $("f-text").value = ""; $("f-status").value = ""; $("f-kind").value = ""; $("f-property").value = "";
    state.text = ""; state.status = state.kind = state.property = -1;
    update(true);
  });
  $("prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("next").addEventListener("click", function () { state.page += 1; render(); });
  $("party-table").tHead.addEventListener("click", function (e) {
    var th = e.target.closest("th[data-sort]");
    if (!th) return;
    var key = th.getAttribute("data-sort");
    state.dir = state.sort === key ? -state.dir : 1;
    state.sort = key;
    update(false);
  });
  function pick(e) {
    var tr = e.target.closest("tr[data-index]");
    if (tr && (e.type === "click" || e.key === "Enter")) detail(Number(tr.getAttribute("data-index")));
  }
  $("party-table").addEventListener("click", pick);
  $("party-table").addEventListener("keydown", pick);

  update(true);
  document.documentElement.setAttribute("data-ready", "true");
  if (performance.mark) performance.mark("coisync-table-ready");
})();
