// The search page: asks the Pagefind index in pagefind/ (written by the build, split into small
// files fetched on demand) and shows the results with this theme's own markup. Everything shown
// comes from what cohort members typed, so results are built with DOM calls and textContent only:
// nothing is ever parsed as HTML, not even Pagefind's highlighted excerpt (its <mark> tags are
// turned into elements here, and the text between them stays text).
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var options = document.getElementById("search-options");
  var sortField = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  if (!script || !form || !input || !options || !sortField || !status || !list || !more) {
    return;
  }
  var PAGE = 10;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var pagefind = null;
  var filtersLoaded = false;
  var found = [];
  var shown = 0;
  var asked = 0;

  function say(text) {
    status.textContent = text;
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // Pagefind's excerpt is the record's text with "<" and ">" escaped and the words found wrapped
  // in <mark>: the only tags in it are Pagefind's own.
  function excerpt(text) {
    var paragraph = element("p", "search-excerpt");
    text.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") {
        return true;
      }
      if (part === "</mark>") {
        return false;
      }
      var words = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      paragraph.appendChild(marked ? element("mark", "", words) : document.createTextNode(words));
      return marked;
    }, false);
    return paragraph;
  }

  function item(data) {
    var meta = data.meta || {};
    var li = element("li");
    var heading = element("h2");
    var link = element("a", "", meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var about = [meta.kind, meta.week, meta.date].filter(function (part) { return part; });
    if (about.length) {
      li.appendChild(element("p", "meta", about.join(" · ")));
    }
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function showMore() {
    var next = found.slice(shown, shown + PAGE);
    var run = asked;
    var firstNew = shown;
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (all) {
      if (run !== asked) {
        return;
      }
      all.forEach(function (data) { list.appendChild(item(data)); });
      var first = list.children[firstNew];
      if (firstNew > 0 && first) {
        first.querySelector("a").focus();
      }
    });
  }

  function chosenFilters() {
    var filters = {};
    selects.forEach(function (select) {
      if (select.value) {
        filters[select.getAttribute("data-filter")] = select.value;
      }
    });
    return filters;
  }

  function remember(query) {
    var params = new URLSearchParams();
    if (query) {
      params.set("q", query);
    }
    selects.concat([sortField]).forEach(function (select) {
      if (select.value) {
        params.set(select.name, select.value);
      }
    });
    var search = params.toString();
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function run() {
    var query = input.value.trim();
    var filters = chosenFilters();
    var filtered = Object.keys(filters).length > 0;
    var run = ++asked;
    remember(query);
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    found = [];
    shown = 0;
    more.hidden = true;
    if (!query && !filtered) {
      say("");
      return;
    }
    say("Searching…");
    var sort = sortField.value ? { date: sortField.value } : undefined;
    pagefind.search(query || null, { filters: filters, sort: sort }).then(function (search) {
      if (run !== asked || !search) {
        return;
      }
      found = search.results;
      var what = query ? " for “" + query + "”" : "";
      say(found.length === 0 ? "Nothing found" + what + "." :
        (found.length === 1 ? "1 result" : found.length + " results") + what + ".");
      return showMore();
    }).catch(function () {
      say("The search failed. Reload the page to try again.");
    });
  }

  function fillFilters() {
    if (filtersLoaded) {
      return Promise.resolve();
    }
    filtersLoaded = true;
    return pagefind.filters().then(function (all) {
      selects.forEach(function (select) {
        var counts = all[select.getAttribute("data-filter")] || {};
        var wanted = select.getAttribute("data-wanted");
        Object.keys(counts).sort(function (a, b) {
          return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
        }).forEach(function (value) {
          var option = element("option", "", value + " (" + counts[value] + ")");
          option.value = value;
          select.appendChild(option);
        });
        if (wanted) {
          select.value = wanted;
        }
      });
    });
  }

  // The page says what to do without JavaScript or a web server; from here on, this script speaks.
  say("");
  if (window.location.protocol === "file:") {
    say("Search needs the site to be served by a web server: browsers do not let a page opened from " +
      "the disk load the index. Browse by person or by topic instead, or preview with roundtable serve.");
    return;
  }
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  sortField.value = params.get("sort") || "";
  var preset = false;
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted) {
      select.setAttribute("data-wanted", wanted);
      preset = true;
    }
  });
  options.hidden = false;
  // A dynamic import loads Pagefind from the site itself, at its address under any sub-path.
  import(script.getAttribute("data-bundle")).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: "/", excerptLength: 24 });
  }).then(function () {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    var typing = null;
    input.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(run, 200);
    });
    sortField.addEventListener("change", run);
    selects.forEach(function (select) { select.addEventListener("change", run); });
    // Filter lists are fetched only when asked for, so a first query stays small.
    options.addEventListener("toggle", function () {
      if (options.open) {
        fillFilters();
      }
    });
    more.addEventListener("click", showMore);
    // Until now a submitted form would reload the page; the browser checks wait for this.
    form.setAttribute("data-ready", "true");
    if (preset || sortField.value) {
      options.open = true;
      return fillFilters().then(run);
    }
    if (input.value) {
      run();
    }
  }).catch(function () {
    say("The search index could not be loaded. Browse by person or by topic instead.");
  });
})();
