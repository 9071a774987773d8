// The search page: looks through search.json in the browser, with no server and no framework.
// The index holds what cohort members typed, so results are built with DOM calls and
// textContent only: nothing from the index is ever parsed as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!script || !input || !status || !list) {
    return;
  }
  var MAX_RESULTS = 50;
  var entries = null;

  function say(text) {
    status.textContent = text;
  }

  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  // One flat list of entries, each with the text its query words are looked for in.
  function prepare(index) {
    var people = index.people || [];
    var readings = index.readings || [];
    function name(author) {
      return author === null || author === undefined || !people[author] ? "Anonymous" : people[author].name;
    }
    var all = [];
    readings.forEach(function (r) {
      var author = name(r.author);
      all.push({
        kind: "Reading",
        title: r.title,
        url: r.url,
        author: author,
        date: r.date,
        text: r.text,
        haystack: [r.title, author, r.tags.join(" "), r.text].join(" ").toLowerCase()
      });
    });
    (index.comments || []).forEach(function (c) {
      var reading = readings[c.reading];
      if (!reading) {
        return;
      }
      var author = name(c.author);
      all.push({
        kind: "Comment",
        title: author + " on " + reading.title,
        url: reading.url + "#comment-" + c.id,
        author: author,
        date: c.date,
        text: c.text,
        haystack: [author, reading.title, reading.tags.join(" "), c.text].join(" ").toLowerCase()
      });
    });
    return all;
  }

  function show(query) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var wanted = words(query);
    if (wanted.length === 0) {
      say("");
      return;
    }
    var found = entries.filter(function (e) {
      return wanted.every(function (w) { return e.haystack.indexOf(w) !== -1; });
    });
    say(found.length === 0 ? "Nothing found." : found.length === 1 ? "1 result." : found.length + " results" +
      (found.length > MAX_RESULTS ? ", the first " + MAX_RESULTS + " shown." : "."));
    found.slice(0, MAX_RESULTS).forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.url;
      link.textContent = e.title;
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = e.kind + " · " + e.author + " · " + e.date;
      var text = document.createElement("p");
      text.textContent = e.text;
      item.appendChild(link);
      item.appendChild(meta);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  // Browsers do not let a page opened from the disk read another file: say so, and offer browsing.
  var offline = document.getElementById("search-offline");
  if (window.location.protocol === "file:" && offline) {
    offline.hidden = false;
    return;
  }
  say("Loading the index…");
  fetch(script.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (index) {
      entries = prepare(index);
      say("");
      show(input.value);
      input.addEventListener("input", function () { show(input.value); });
    })
    .catch(function () {
      say("The search index could not be loaded. Pages opened straight from the disk cannot read it: " +
        "serve the site with a web server.");
    });
})();
