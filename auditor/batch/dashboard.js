"use strict";
// The class dashboard. Data from the repositories is hostile: it only ever reaches the page
// through textContent, title or element properties, never as HTML.
(function () {
  var data = JSON.parse(document.getElementById("class-data").textContent);
  var SYMBOL = {"corroborated": "\u2713", "weak": "~", "unsupported": "\u2717", "unverifiable": "?",
                "unclaimed": "+", "not-claimed": "", "not-in-checklist": ""};
  var LABEL = {"corroborated": "corroborated", "weak": "weak", "unsupported": "unsupported",
               "unverifiable": "unverifiable", "unclaimed": "done, not ticked", "not-claimed": "not claimed",
               "not-in-checklist": "not in checklist"};
  var order = data.groups.map(function (_, i) { return i; });
  var sortState = {key: "roster", descending: false};
  var selected = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function verdictClass(verdict) {
    return data.verdicts.indexOf(verdict) >= 0 ? "v-" + verdict : "v-missing";
  }

  function claimText(cell) {
    if (cell.c === null) return "not in this report's checklist";
    var said = cell.c === true ? "yes" : cell.c === "partial" ? "partly" : "no";
    if (cell.s === "answers") {
      return said + ", not in the checklist: said in the answers" + (cell.l ? ", report line " + cell.l : "");
    }
    var mark = cell.m === null ? "" : " [" + cell.m + "]";
    var via = cell.w ? ", ticked only through the " + cell.w + " line (a soft claim)" : "";
    return said + mark + via + (cell.l ? ", checklist line " + cell.l : "");
  }

  function header() {
    document.getElementById("title").textContent = "Class audit: " + data.input;
    var c = data.counts;
    var parts = [c.groups + " groups", c.audited + " audited", c.cached + " from the cache", c.errors + " could not be audited"];
    if (c.median_unsupported !== null) parts.push("median " + c.median_unsupported + " unsupported claims per group");
    parts.push("auditor " + data.tool, "generated " + data.generated_at);
    document.getElementById("meta").textContent = parts.join(" \u00b7 ");
    var legend = document.getElementById("legend");
    data.verdicts.forEach(function (v) {
      var li = el("li");
      li.appendChild(el("span", "swatch " + verdictClass(v), SYMBOL[v]));
      li.appendChild(el("span", null, LABEL[v]));
      legend.appendChild(li);
    });
  }

  function stackedBar(item, className, vertical) {
    var bar = el("div", className);
    var total = item.groups || 1;
    data.verdicts.forEach(function (v) {
      var n = item.verdicts[v];
      if (!n) return;
      var part = el("span", verdictClass(v));
      part.style[vertical ? "height" : "width"] = (100 * n / total) + "%";
      part.title = n + " " + LABEL[v];
      bar.appendChild(part);
    });
    return bar;
  }

  function buildHead() {
    var thead = document.querySelector("#heatmap thead");
    var row = el("tr");
    var name = el("th", "group sortable", "group");
    name.dataset.sort = "name";
    row.appendChild(name);
    var claimed = el("th", "count", "claimed");
    claimed.title = "items the group ticked";
    row.appendChild(claimed);
    var unsupported = el("th", "count sortable", "unsup.");
    unsupported.dataset.sort = "unsupported";
    unsupported.title = "claimed items with no evidence at all (click to sort)";
    row.appendChild(unsupported);
    data.items.forEach(function (item) {
      var th = el("th", "item");
      th.appendChild(stackedBar(item, "minibar", true));
      th.appendChild(el("span", null, item.id));
      th.title = (item.code || "") + " " + item.id + ": " + (item.title || "") + "\n" +
        item.claimed + " of " + item.groups + " groups claimed it, " + item.verdicts.corroborated +
        " corroborated, " + item.verdicts.unsupported + " unsupported";
      row.appendChild(th);
    });
    thead.appendChild(row);
  }

  function buildBody() {
    var tbody = document.querySelector("#heatmap tbody");
    data.groups.forEach(function (group, g) {
      var tr = el("tr");
      tr.dataset.group = g;
      tr.dataset.name = group.name.toLowerCase();
      var nameCell = el("td", "group");
      var button = el("button", null, group.name);
      button.type = "button";
      button.title = group.target;
      button.dataset.group = g;
      nameCell.appendChild(button);
      tr.appendChild(nameCell);
      if (group.cells === null) {
        tr.appendChild(el("td", "count", "-"));
        tr.appendChild(el("td", "count", "-"));
        var error = el("td", "error", "could not be audited: " + group.error);
        error.colSpan = data.items.length;
        error.title = group.error;
        tr.appendChild(error);
      } else {
        tr.appendChild(el("td", "count", group.summary.claimed));
        tr.appendChild(el("td", "count", group.summary.unsupported));
        group.cells.forEach(function (cell, i) {
          var soft = cell && cell.c !== null && (cell.w || cell.s === "answers") ? " soft" : "";
          var td = el("td", "cell " + (cell ? verdictClass(cell.v) : "v-missing") + soft, cell ? SYMBOL[cell.v] : "");
          td.tabIndex = 0;
          td.setAttribute("role", "button");
          td.dataset.group = g;
          td.dataset.item = i;
          td.title = group.name + " \u00b7 " + data.items[i].id + ": " + (cell ? LABEL[cell.v] || cell.v : "no result") +
            (cell && cell.w ? " (ticked only through the " + cell.w + " line)" : "") +
            (soft && cell.s === "answers" ? " (claimed in the answers)" : "");
          tr.appendChild(td);
        });
      }
      tbody.appendChild(tr);
    });
  }

  function showCell(g, i, td) {
    var group = data.groups[g], item = data.items[i], cell = group.cells[i];
    if (selected) selected.classList.remove("selected");
    selected = td;
    if (td) td.classList.add("selected");
    var panel = document.getElementById("details");
    panel.replaceChildren();
    panel.appendChild(el("h2", null, group.name));
    panel.appendChild(el("h3", null, (item.code ? item.code + " " : "") + item.id));
    panel.appendChild(el("p", "hint", item.title));
    if (!cell) {
      panel.appendChild(el("p", null, "This report has no result for this item."));
      return;
    }
    var dl = el("dl");
    var badge = el("span", "badge " + verdictClass(cell.v), LABEL[cell.v] || cell.v);
    [["claimed", claimText(cell)], ["evidence", cell.e], ["verdict", badge]].forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      var dd = el("dd");
      if (typeof pair[1] === "string") dd.textContent = pair[1]; else dd.appendChild(pair[1]);
      dl.appendChild(dd);
    });
    panel.appendChild(dl);
    panel.appendChild(el("h3", null, "Findings (" + cell.f.length + ")"));
    if (!cell.f.length) {
      panel.appendChild(el("p", "hint", "No findings: nothing in the repository points to this item."));
      return;
    }
    var list = el("ul", "findings");
    cell.f.forEach(function (finding) {
      var li = el("li", "finding");
      li.appendChild(el("span", "strength s-" + finding[2], finding[2]));
      li.appendChild(el("code", "where", finding[0]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "message", finding[1]));
      list.appendChild(li);
    });
    panel.appendChild(list);
  }

  function showGroup(g) {
    var group = data.groups[g];
    var panel = document.getElementById("details");
    panel.replaceChildren();
    panel.appendChild(el("h2", null, group.name));
    var dl = el("dl");
    var rows = [["repository", group.target], ["status", group.status]];
    if (group.error) rows.push(["error", group.error]);
    if (group.commit) rows.push(["commit", group.commit]);
    if (group.report) {
      rows.push(["committed", group.report.committed_at || "-"]);
      rows.push(["report", (group.report.path || "none") + " (" + group.report.template + ")"]);
      if (group.report.message) rows.push(["note", group.report.message]);
    }
    if (group.summary) {
      Object.keys(group.summary).forEach(function (k) { rows.push([k, String(group.summary[k])]); });
    }
    rows.forEach(function (pair) {
      dl.appendChild(el("dt", null, pair[0]));
      dl.appendChild(el("dd", null, pair[1]));
    });
    panel.appendChild(dl);
    if (group.file) {
      var link = el("a", null, "the group's JSON report");
      link.href = group.file.split("/").map(encodeURIComponent).join("/");
      panel.appendChild(link);
    }
    if (group.report && group.report.problems.length) {
      panel.appendChild(el("h3", null, "Files that could not be read (" + group.report.problems.length + ")"));
      var list = el("ul", "findings");
      group.report.problems.forEach(function (p) {
        var li = el("li");
        li.appendChild(el("code", "where", p[0]));
        li.appendChild(document.createTextNode(" " + p[1]));
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
  }

  function sortValue(g, key) {
    var group = data.groups[g];
    if (key === "name") return group.name.toLowerCase();
    if (key === "roster") return g;
    return group.summary ? group.summary[key] : null;
  }

  function sortBy(key) {
    var descending = key === "unsupported" || key === "corroborated";
    if (sortState.key === key) descending = !sortState.descending;
    sortState = {key: key, descending: descending};
    order.sort(function (a, b) {
      var x = sortValue(a, key), y = sortValue(b, key);
      if (x === null && y === null) return a - b;
      if (x === null) return 1;  // groups that could not be audited go last
      if (y === null) return -1;
      var c = x < y ? -1 : x > y ? 1 : a - b;
      return descending ? -c : c;
    });
    var tbody = document.querySelector("#heatmap tbody");
    var rows = {};
    Array.prototype.forEach.call(tbody.rows, function (tr) { rows[tr.dataset.group] = tr; });
    order.forEach(function (g) { tbody.appendChild(rows[g]); });
    document.querySelectorAll("[data-sort]").forEach(function (node) {
      var on = node.dataset.sort === key;
      if (node.tagName === "BUTTON") node.setAttribute("aria-pressed", on ? "true" : "false");
      if (node.tagName === "TH") {
        if (on) node.setAttribute("aria-sort", descending ? "descending" : "ascending");
        else node.removeAttribute("aria-sort");
      }
    });
  }

  function itemBars() {
    var box = document.getElementById("item-bars");
    data.items.forEach(function (item) {
      var label = el("div", "item-label", (item.code ? item.code + " " : "") + item.id);
      label.title = item.title || "";
      box.appendChild(label);
      var bar = stackedBar(item, "bar", false);
      bar.dataset.item = item.id;
      box.appendChild(bar);
      var v = item.verdicts;
      box.appendChild(el("div", "bar-text", item.claimed + "/" + item.groups + " claimed \u00b7 " +
        v.corroborated + " corroborated \u00b7 " + v.weak + " weak \u00b7 " + v.unsupported + " unsupported"));
    });
  }

  function wire() {
    var table = document.getElementById("heatmap");
    table.addEventListener("click", function (event) {
      var target = event.target.closest("td.cell, td.group button, th.sortable");
      if (!target) return;
      if (target.matches("th.sortable")) sortBy(target.dataset.sort);
      else if (target.matches("td.cell")) showCell(+target.dataset.group, +target.dataset.item, target);
      else showGroup(+target.dataset.group);
    });
    table.addEventListener("keydown", function (event) {
      if ((event.key === "Enter" || event.key === " ") && event.target.matches("td.cell")) {
        event.preventDefault();
        event.target.click();
      }
    });
    document.querySelectorAll(".controls button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () { sortBy(button.dataset.sort); });
    });
    document.getElementById("filter").addEventListener("input", function (event) {
      var needle = event.target.value.trim().toLowerCase();
      Array.prototype.forEach.call(document.querySelectorAll("#heatmap tbody tr"), function (tr) {
        tr.hidden = needle !== "" && tr.dataset.name.indexOf(needle) < 0;
      });
    });
  }

  header();
  buildHead();
  buildBody();
  itemBars();
  wire();
  document.body.dataset.ready = "true";
})();
