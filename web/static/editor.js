// The SPARQL query editor on GET /sparql: the vendored YASGUI, set up for this endpoint only.
//
// - requests go to this site's endpoint (POST), whatever a stored tab or a link says;
// - new queries start with the project's PREFIX lines;
// - completion of prefixes, classes and properties comes from the page's own settings
//   (the ontology), never from an outside service (YASGUI's LOV and prefix.cc look-ups
//   are switched off);
// - the canned queries are offered as examples;
// - results show as a table, a chart (a small YASR plugin over Chart.js, below) or the
//   raw response;
// - a permalink carries the query in the URL fragment (#query=...), which YASGUI reads
//   when the page opens, so the link reopens the editor with the query and runs it.
(function () {
  "use strict";

  const holder = document.getElementById("yasgui");
  const settingsEl = document.getElementById("editor-settings");
  if (!holder || !settingsEl || typeof window.Yasgui !== "function") return;

  const Yasgui = window.Yasgui;
  const Yasqe = Yasgui.Yasqe;
  const Yasr = Yasgui.Yasr;
  const settings = JSON.parse(settingsEl.textContent);
  const endpoint = settings.endpoint;
  const prefixes = settings.prefixes || {};
  const vocabulary = settings.vocabulary || {};
  const examples = settings.examples || [];
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const MAX_SUGGESTIONS = 50;

  // ---------------------------------------------------------------- queries

  function prefixLines() {
    return Object.keys(prefixes)
      .map((name) => "PREFIX " + name + ": <" + prefixes[name] + ">")
      .join("\n");
  }

  function starterQuery() {
    const body =
      "nbkg" in prefixes && "rdfs" in prefixes
        ? "SELECT ?cluster ?label WHERE {\n  ?cluster a nbkg:Cluster ;\n    rdfs:label ?label .\n}\nLIMIT 25\n"
        : "SELECT * WHERE {\n  ?s ?p ?o\n}\nLIMIT 10\n";
    const lines = prefixLines();
    return lines ? lines + "\n\n" + body : body;
  }

  // ---------------------------------------------------------- IRIs and names

  function localName(iri) {
    const match = /[^#/]*$/.exec(iri);
    return match ? match[0] : iri;
  }

  // The prefixed form of an IRI under the longest matching namespace, or null.
  function shorten(iri, table) {
    let best = null;
    for (const name of Object.keys(table)) {
      const ns = table[name];
      if (!ns || !iri.startsWith(ns) || iri.length === ns.length) continue;
      const rest = iri.slice(ns.length);
      if (!/^[A-Za-z_][\w.-]*$/.test(rest) || rest.endsWith(".")) continue;
      if (!best || ns.length > best.ns.length) best = { name: name, ns: ns, rest: rest };
    }
    return best;
  }

  // ------------------------------------------------------------ completion

  // Terms of one kind that fit what was typed: an IRI start, a prefixed name, or a part
  // of the local name ("clus" finds nbkg:Cluster).
  function matching(terms, token) {
    const typed = (token.autocompletionString || "").trim();
    const ns = token.tokenPrefixUri;
    const needle = (ns && typed.startsWith(ns) ? typed.slice(ns.length) : typed).toLowerCase();
    const found = [];
    for (const iri of terms) {
      const local = localName(iri).toLowerCase();
      if (ns) {
        if (iri.startsWith(ns) && iri.slice(ns.length).toLowerCase().includes(needle)) found.push(iri);
        continue;
      }
      if (!needle) {
        found.push(iri);
        continue;
      }
      const short = shorten(iri, prefixes);
      const prefixed = short ? (short.name + ":" + short.rest).toLowerCase() : "";
      if (iri.startsWith(typed) || prefixed.startsWith(needle) || local.includes(needle)) {
        found.push(iri);
      }
    }
    const key = (iri) => (localName(iri).toLowerCase().startsWith(needle) ? 0 : 1);
    found.sort((a, b) => key(a) - key(b) || localName(a).localeCompare(localName(b)) || a.localeCompare(b));
    return found.slice(0, MAX_SUGGESTIONS);
  }

  // What the editor inserts for a term (called for every suggestion shown, so no side
  // effects here): a prefixed name when the query or the project declares its
  // namespace, else the full IRI.
  function insertedText(yasqe, iri) {
    const declared = yasqe.getPrefixesFromQuery() || {};
    const own = shorten(iri, declared);
    if (own) return own.name + ":" + own.rest;
    const project = shorten(iri, prefixes);
    if (project && !(project.name in declared)) return project.name + ":" + project.rest;
    return "<" + iri + ">";
  }

  // Once a completion is picked, declare the project prefix it used if the query lacks it.
  function declareCompletedPrefix(yasqe, change) {
    if (!change || change.origin !== "complete") return;
    const used = /^([A-Za-z][\w.-]*):/.exec(change.text.join("\n"));
    if (!used || !(used[1] in prefixes)) return;
    if (used[1] in (yasqe.getPrefixesFromQuery() || {})) return;
    const add = {};
    add[used[1]] = prefixes[used[1]];
    // after the completion is in place, so the inserted line does not shift it
    window.setTimeout(() => yasqe.addPrefixes(add), 0);
  }

  const initYasqe = Yasgui.Tab.prototype.initYasqe;
  Yasgui.Tab.prototype.initYasqe = function () {
    initYasqe.call(this);
    const yasqe = this.getYasqe();
    if (yasqe) yasqe.on("change", declareCompletedPrefix);
  };

  function termCompleter(name, kind) {
    return {
      name: name,
      bulk: false,
      autoShow: true,
      get: (yasqe, token) => matching(vocabulary[kind] || [], token || {}),
      postProcessSuggestion: (yasqe, token, iri) => insertedText(yasqe, iri),
    };
  }

  // YASQE's own "class"/"property" completers ask an outside service and its "prefixes"
  // completer offers a generic list: fork them (keeping where they apply) with this
  // project's terms, and enable only the forks.
  Yasqe.forkAutocompleter("class", termCompleter("nbkg-classes", "classes"), false);
  Yasqe.forkAutocompleter("property", termCompleter("nbkg-properties", "properties"), false);
  Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: "nbkg-prefixes",
      persistenceId: null,
      get: Object.keys(prefixes)
        .sort()
        .map((p) => p + ": <" + prefixes[p] + ">"),
    },
    false,
  );
  Yasqe.defaults.autocompleters.splice(
    0,
    Yasqe.defaults.autocompleters.length,
    "variables",
    "nbkg-prefixes",
    "nbkg-classes",
    "nbkg-properties",
  );
  Yasqe.defaults.prefixCcApi = null;

  // ------------------------------------------------------------ chart view

  const NUMERIC = new Set(
    [
      "integer", "decimal", "double", "float", "int", "long", "short", "byte",
      "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
      "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    ].map((t) => XSD + t),
  );
  const CHART_TYPES = { bar: "Bars", line: "Line", pie: "Pie" };
  const COLOURS = ["#1f6f50", "#3f8fc4", "#d08a2e", "#8c5fb0", "#c4493f", "#5aa36b", "#7a7f3a", "#b85d8c"];
  const MAX_POINTS = 300;

  function isNumeric(binding) {
    if (!binding || binding.type === "uri" || binding.type === "bnode") return false;
    if (binding.datatype) return NUMERIC.has(binding.datatype);
    return binding.value.trim() !== "" && Number.isFinite(Number(binding.value));
  }

  function numericVariables(results) {
    const rows = results.getBindings() || [];
    return (results.getVariables() || []).filter((v) => {
      let seen = false;
      for (const row of rows) {
        if (!row[v]) continue;
        if (!isNumeric(row[v])) return false;
        seen = true;
      }
      return seen;
    });
  }

  function svgIcon() {
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    for (const [x, h] of [[1, 6], [6, 11], [11, 8]]) {
      const bar = document.createElementNS(svgNs, "rect");
      bar.setAttribute("x", String(x));
      bar.setAttribute("y", String(15 - h));
      bar.setAttribute("width", "4");
      bar.setAttribute("height", String(h));
      bar.setAttribute("fill", "currentColor");
      svg.appendChild(bar);
    }
    return svg;
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.label = "Chart";
      this.priority = 5;
      this.options = {};
      this.chart = undefined;
      this.controls = undefined;
    }

    canHandleResults() {
      const results = this.yasr.results;
      if (!results || typeof window.Chart !== "function" || !results.getVariables) return false;
      const variables = results.getVariables();
      return !!variables && variables.length > 0 && numericVariables(results).length > 0;
    }

    getIcon() {
      return svgIcon();
    }

    display(binding) {
      if (!binding) return "";
      if (binding.type === "uri") {
        const short = shorten(binding.value, this.yasr.getPrefixes() || {});
        return short ? short.name + ":" + short.rest : localName(binding.value) || binding.value;
      }
      return binding.value;
    }

    draw(persistent) {
      this.destroyChart(); // YASR redraws a plugin for new results without destroying it
      this.options = Object.assign({}, this.options, persistent || {});
      const results = this.yasr.results;
      const variables = results.getVariables();
      const rows = (results.getBindings() || []).slice(0, MAX_POINTS);
      const numeric = numericVariables(results);
      const value = numeric.includes(this.options.value) ? this.options.value : numeric[0];
      const others = variables.filter((v) => v !== value);
      const label = others.includes(this.options.label)
        ? this.options.label
        : others.find((v) => !numeric.includes(v)) || others[0];
      const type = this.options.type in CHART_TYPES ? this.options.type : "bar";
      this.drawControls(numeric, others, value, label, type);

      const labels = rows.map((row, i) => (label ? this.display(row[label]) : String(i + 1)));
      const data = rows.map((row) => (row[value] ? Number(row[value].value) : null));
      const sideways = type === "bar" && (rows.length > 12 || labels.some((l) => l.length > 18));
      const box = document.createElement("div");
      box.className = "nbkg-chart";
      if (sideways) box.style.height = Math.max(320, rows.length * 22 + 60) + "px";
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", "Chart of " + value + (label ? " by " + label : ""));
      box.appendChild(canvas);
      this.yasr.resultsEl.appendChild(box);
      this.chart = new window.Chart(canvas, {
        type: type,
        data: {
          labels: labels,
          datasets: [
            {
              label: value,
              data: data,
              backgroundColor: type === "pie" ? labels.map((_, i) => COLOURS[i % COLOURS.length]) : COLOURS[0],
              borderColor: type === "line" ? COLOURS[0] : undefined,
            },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: sideways ? "y" : "x",
          plugins: { legend: { display: type === "pie" } },
        },
      });
    }

    drawControls(numeric, others, value, label, type) {
      this.removeControls();
      const controls = document.createElement("div");
      controls.className = "nbkg-chart-controls";
      const choose = (text, key, choices, current) => {
        const wrap = document.createElement("label");
        wrap.textContent = text;
        const select = document.createElement("select");
        select.className = "nbkg-chart-" + key;
        for (const [val, shown] of choices) {
          const option = document.createElement("option");
          option.value = val;
          option.textContent = shown;
          option.selected = val === current;
          select.appendChild(option);
        }
        select.addEventListener("change", () => {
          this.options[key] = select.value;
          this.yasr.storePluginConfig("chart", this.options);
          this.redraw();
        });
        wrap.appendChild(select);
        controls.appendChild(wrap);
      };
      choose("Values", "value", numeric.map((v) => [v, "?" + v]), value);
      if (others.length) choose("Labels", "label", others.map((v) => [v, "?" + v]), label);
      choose("Chart", "type", Object.entries(CHART_TYPES), type);
      this.yasr.pluginControls.appendChild(controls);
      this.controls = controls;
    }

    redraw() {
      this.destroyChart();
      this.yasr.resultsEl.replaceChildren();
      this.draw(this.options);
    }

    download(name) {
      if (!this.chart) return undefined;
      const chart = this.chart;
      return {
        getData: () => chart.toBase64Image(),
        filename: (name || "queryResults") + ".png",
        contentType: "image/png",
        title: "Download the chart (PNG)",
      };
    }

    removeControls() {
      if (this.controls) this.controls.remove();
      this.controls = undefined;
    }

    destroyChart() {
      if (this.chart) this.chart.destroy();
      this.chart = undefined;
    }

    destroy() {
      this.removeControls();
      this.destroyChart();
    }
  }

  Yasr.registerPlugin("chart", ChartPlugin);
  Yasr.defaults.pluginOrder = ["table", "chart", "response"];
  Yasr.defaults.prefixes = prefixes;

  // -------------------------------------------------------------- permalinks

  function permalink(tab) {
    const params = new URLSearchParams();
    params.set("query", tab.getQuery());
    if (tab.getName()) params.set("tabTitle", tab.getName());
    const yasr = tab.getYasr();
    const plugin = yasr ? yasr.getSelectedPluginName() : undefined;
    if (plugin && plugin !== "table") params.set("outputFormat", plugin);
    // YASGUI reads the fragment with "+" as a space: spell spaces as %20
    const fragment = params.toString().replace(/\+/g, "%20");
    return window.location.origin + window.location.pathname + "#" + fragment;
  }

  // YASGUI's own "share" button gives the same link (not one that names an endpoint).
  Yasgui.Tab.prototype.getShareableLink = function () {
    return permalink(this);
  };

  // ------------------------------------------------------------------ start

  function remember(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (err) {
      // storage refused (private mode, quota): the editor works without it
    }
    return null;
  }

  function linkedQuery(hash) {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    const query = params.get("query");
    return query ? { query: query, title: params.get("tabTitle") } : null;
  }

  const fromLink = linkedQuery(window.location.hash) !== null;
  const firstVisit = !remember("nbkg-editor-seen");

  const yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    // A link may carry the query, a tab title and a result view: never another endpoint.
    populateFromUrl: (tab) => {
      tab.requestConfig = Object.assign({}, tab.requestConfig, {
        endpoint: endpoint,
        method: "POST",
        args: [],
        headers: {},
      });
      return tab;
    },
    yasqe: { value: starterQuery(), collapsePrefixesOnLoad: true },
    yasr: { prefixes: prefixes },
  });
  yasgui.config.requestConfig.endpoint = endpoint;
  yasgui.config.requestConfig.args = [];

  // Tabs kept in this browser from elsewhere (another port, another host) ask this endpoint.
  for (const id of yasgui.persistentConfig.getTabs()) {
    const tab = yasgui.getTab(id);
    if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  }

  function loadExample(example) {
    let tab = yasgui.getTab();
    if (!tab) tab = yasgui.addTab(true);
    tab.setName(example.title);
    tab.getYasqe().setValue(example.query);
    tab.getYasqe().focus();
  }

  if (firstVisit && !fromLink && examples.length) loadExample(examples[0]);
  remember("nbkg-editor-seen", "1");

  // YASGUI reads a permalink when the page opens; one followed from this page opens too.
  window.addEventListener("hashchange", () => {
    const linked = linkedQuery(window.location.hash);
    const current = yasgui.getTab();
    if (!linked || (current && current.getQuery() === linked.query)) return;
    const tab = yasgui.addTab(
      true,
      { name: linked.title || undefined, yasqe: { value: linked.query } },
      { avoidDuplicateTabs: true },
    );
    if (tab && tab.getQuery() === linked.query) tab.query().catch(() => {});
  });

  const picker = document.getElementById("example-picker");
  if (picker) {
    picker.addEventListener("change", () => {
      const example = examples.find((e) => e.name === picker.value);
      if (example) loadExample(example);
      picker.value = "";
    });
  }

  const link = document.getElementById("permalink");
  if (link) {
    const refresh = () => {
      const tab = yasgui.getTab();
      if (tab) link.href = permalink(tab);
    };
    for (const event of ["mouseenter", "focus", "mousedown", "touchstart"]) {
      link.addEventListener(event, refresh);
    }
    link.addEventListener("click", refresh);
    yasgui.on("tabSelect", () => window.setTimeout(refresh, 0));
    yasgui.on("tabChange", refresh);
    yasgui.on("query", refresh);
    refresh();
  }

  // Result IRIs minted by the project are served by this site (as on its pages): an entity
  // links to its page, ontology terms, concepts and graphs to their own paths.
  const idSpace = prefixes.id || "";
  const minted = idSpace.endsWith("/id/") ? idSpace.slice(0, -"id/".length) : "";
  const siteRoot = new URL(".", endpoint).href;
  function localPath(iri) {
    if (idSpace && iri.startsWith(idSpace)) return "page/" + iri.slice(idSpace.length);
    if (minted && iri.startsWith(minted)) return iri.slice(minted.length);
    return null;
  }
  function localise(event) {
    const a = event.target.closest && event.target.closest("a.iri");
    if (!a) return;
    const path = localPath(a.href);
    if (path === null) return;
    a.href = siteRoot + path;
    a.removeAttribute("target");
    a.removeAttribute("ref");
  }
  for (const event of ["mouseover", "focusin", "mousedown", "click"]) {
    holder.addEventListener(event, localise, true);
  }

  const bar = document.getElementById("editor-bar");
  if (bar) bar.hidden = false;
  holder.removeAttribute("data-loading");
  window.nbkgEditor = yasgui;
})();
