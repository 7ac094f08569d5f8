// The search box on every page: suggestions from /api/suggest as the reader types.
(function () {
  "use strict";
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-suggestions");
  if (!input || !list) return;
  let pending = null;

  function clear() {
    list.replaceChildren();
    list.hidden = true;
  }

  function show(items) {
    clear();
    for (const item of items) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = item.page;
      a.textContent = item.label + " ";
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.type || "";
      a.appendChild(kind);
      li.appendChild(a);
      list.appendChild(li);
    }
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", function () {
    const q = input.value.trim();
    if (pending) pending.abort();
    if (q.length < 2) { clear(); return; }
    pending = new AbortController();
    const url = input.dataset.suggest + "?q=" + encodeURIComponent(q);
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : { results: [] }))
      .then((data) => show(data.results || []))
      .catch(() => {});
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") clear();
    if (e.key === "ArrowDown" && !list.hidden) {
      const first = list.querySelector("a");
      if (first) { first.focus(); e.preventDefault(); }
    }
  });
  document.addEventListener("click", function (e) {
    if (!list.contains(e.target) && e.target !== input) clear();
  });
})();
