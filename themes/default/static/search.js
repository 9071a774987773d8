// The search page: asks roundtable's index in search/index/ (written by the build, split into
// gzipped files fetched on demand) and shows the results with this theme's own markup.
//
// A query word is folded as the build folds words (Unicode word boundaries, split at apostrophes,
// lower-case, accents dropped), looked up in the vocabulary file of its first two letters, which
// gives its stems; the postings of those stems come from the term files, the results' texts from
// the document files. Everything shown comes from what cohort members typed, so results are built
// with DOM calls and textContent only: nothing is ever parsed as HTML.
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
  // A word typed is looked up as a prefix too; this many words it starts are enough.
  var PREFIXES = 40;
  var LONGEST = 40;
  // The most letters a stemmer takes off a word ("-ements"), for a word no text has.
  var ENDING = 4;
  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var FILTERS = { kinds: "kind", people: "person", tags: "tag", weeks: "week" };
  var digit = {};
  ALPHABET.split("").forEach(function (c, i) { digit[c.charCodeAt(0)] = i; });
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var lang = document.documentElement.lang || "en";
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(lang, { granularity: "word" }) : null;
  var index = new URL(script.getAttribute("data-index"), document.baseURI);
  var root = new URL(script.getAttribute("data-root"), document.baseURI);
  var meta = null;
  // The first document of each document file.
  var docStarts = [];
  var files = {};
  var found = [];
  var marks = Object.create(null);
  var shown = 0;
  var asked = 0;

  // The page's words, in the site's language (from the translation files, through the template).
  function words(name) {
    return script.getAttribute("data-" + name) || "";
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  // `name` is results or filtered: zero, one or other as the language counts `n`.
  function counted(name, n, query) {
    var form = n === 0 ? "zero" : plural ? plural.select(n) : n === 1 ? "one" : "other";
    return fill(words(name + "-" + (form === "one" || form === "zero" ? form : "other")), { n: n, query: query });
  }

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

  // A gzipped file's JSON. A host that sends it with `Content-Encoding: gzip` has the browser
  // unpack it already: then the bytes no longer start with gzip's magic number.
  function unpack(response) {
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var body = bytes.length > 1 && bytes[0] === 0x1f && bytes[1] === 0x8b
        ? new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")))
        : new Response(bytes);
      return body.json();
    });
  }

  // One file of the index, fetched once; a failed fetch may be tried again.
  function get(name) {
    if (!files[name]) {
      files[name] = fetch(new URL(name, index).href).then(function (response) {
        if (!response.ok) {
          throw new Error(name + ": " + response.status);
        }
        return /\.gz$/.test(name) ? unpack(response) : response.json();
      });
      files[name].catch(function () { delete files[name]; });
    }
    return files[name];
  }

  function fold(word) {
    return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  // The words of `text` as the build cuts them, each with where it stands in the text.
  function cut(text) {
    var all = [];
    function add(word, at) {
      var start = 0;
      word.split(/['’ʼ]/).forEach(function (part) {
        var folded = fold(part);
        if (folded && Array.from(folded).length <= LONGEST) {
          all.push({ word: folded, start: at + start, end: at + start + part.length });
        }
        start += part.length + 1;
      });
    }
    if (segmenter) {
      Array.from(segmenter.segment(text)).forEach(function (s) {
        if (s.isWordLike) {
          add(s.segment, s.index);
        }
      });
    } else {
      text.replace(/[\p{L}\p{N}\p{M}_'’ʼ]+/gu, function (word, at) {
        add(word, at);
        return word;
      });
    }
    return all;
  }

  // The vocabulary file's name for a word: its first two letters, others than a-z0-9 as _hex_.
  function key(word) {
    return Array.from(word).slice(0, 2).map(function (c) {
      return /^[a-z0-9]$/.test(c) ? c : "_" + c.codePointAt(0).toString(16) + "_";
    }).join("");
  }

  function vocabulary(word) {
    var name = key(word);
    return meta.words.indexOf(name) < 0 ? Promise.resolve({}) : get("words/" + name + ".json.gz");
  }

  // A list of documents as the build writes it: gaps (base 32, lowest digits first, a digit of 32
  // or more saying more follow), each followed by a weight digit when `weighted`; or "*", one weight
  // digit for all when `weighted`, then a bitmap, six documents to a digit.
  function decode(text, weighted, each) {
    var i = 0;
    var doc = 0;
    if (text.charAt(0) === "*") {
      var all = weighted ? digit[text.charCodeAt(1)] : 0;
      for (i = weighted ? 2 : 1; i < text.length; i += 1, doc += 6) {
        var bits = digit[text.charCodeAt(i)];
        for (var b = 0; b < 6; b += 1) {
          if (bits & (1 << b)) {
            each(doc + b, all);
          }
        }
      }
      return;
    }
    while (i < text.length) {
      var value = 0;
      var scale = 1;
      var d;
      do {
        d = digit[text.charCodeAt(i++)];
        value += (d & 31) * scale;
        scale *= 32;
      } while (d >= 32);
      doc += value;
      each(doc, weighted ? digit[text.charCodeAt(i++)] : 0);
      doc += 1;
    }
  }

  // The place in `starts` (sorted) of the last one not after `value`: the file that holds it.
  function fileOf(starts, value) {
    var low = 0;
    var high = starts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= value) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  // The postings of a stem, from the term file whose first stem is the last one not after it.
  function postings(stem) {
    return get("terms/" + fileOf(meta.terms, stem) + ".json.gz").then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, stem) ? shard[stem] : "";
    });
  }

  // The stem of a word in a vocabulary file ("" stands for the word itself).
  function stemOf(table, word) {
    return table[word] || word;
  }

  // For one query word: every document holding one of its stems, with its weight (half for a word
  // the typed one only starts); and the words of the vocabulary to highlight. A word no text has
  // takes the longest stem it starts with, but for an ending (the script has no stemmer): so
  // "equipe" finds "équipes" (stem "equip") even when no text has "équipe" itself.
  function lookUp(word, prefix) {
    return vocabulary(word).then(function (table) {
      var weights = Object.create(null);
      var has = function (w) { return Object.prototype.hasOwnProperty.call(table, w); };
      var surfaces = Object.keys(table);
      if (has(word)) {
        weights[stemOf(table, word)] = 1;
      } else {
        var best = "";
        surfaces.forEach(function (other) {
          var stem = stemOf(table, other);
          if (stem.length > best.length && stem.length >= 3 && word.length - stem.length <= ENDING && word.lastIndexOf(stem, 0) === 0) {
            best = stem;
          }
        });
        if (best) {
          weights[best] = 1;
        }
      }
      if (prefix && word.length > 1) {
        var more = 0;
        surfaces.forEach(function (other) {
          var stem = stemOf(table, other);
          if (more < PREFIXES && other.lastIndexOf(word, 0) === 0 && !(stem in weights)) {
            weights[stem] = 0.5;
            more += 1;
          }
        });
      }
      surfaces.forEach(function (other) {
        if (stemOf(table, other) in weights) {
          marks[other] = true;
        }
      });
      var stems = Object.keys(weights);
      return Promise.all(stems.map(postings)).then(function (lists) {
        var docs = new Map();
        lists.forEach(function (text, i) {
          var factor = weights[stems[i]];
          decode(text, true, function (doc, weight) {
            docs.set(doc, Math.max(docs.get(doc) || 0, weight * factor));
          });
        });
        return docs;
      });
    });
  }

  function filterSets() {
    return Promise.all(selects.filter(function (select) { return select.value; }).map(function (select) {
      return get("filters/" + FILTERS[select.getAttribute("data-filter")] + "-" + select.value + ".json.gz").then(function (text) {
        var docs = new Set();
        decode(text, false, function (doc) { docs.add(doc); });
        return docs;
      });
    }));
  }

  // Every document holding every word (and kept by every filter chosen), best first or by date.
  function search(query, prefix) {
    var terms = cut(query).map(function (w) { return w.word; });
    var typed = prefix && /[\p{L}\p{N}]$/u.test(query);
    marks = Object.create(null);
    var looked = terms.map(function (word, i) { return lookUp(word, typed && i === terms.length - 1); });
    return Promise.all([Promise.all(looked), filterSets()]).then(function (both) {
      var maps = both[0];
      var sets = both[1];
      var scores = new Map();
      if (maps.length) {
        maps.sort(function (a, b) { return a.size - b.size; });
        maps[0].forEach(function (weight, doc) {
          var total = weight;
          for (var i = 1; i < maps.length; i += 1) {
            if (!maps[i].has(doc)) {
              return;
            }
            total += maps[i].get(doc);
          }
          scores.set(doc, total);
        });
      } else if (sets.length) {
        sets[0].forEach(function (doc) { scores.set(doc, 0); });
      }
      var docs = Array.from(scores.keys()).filter(function (doc) {
        return sets.every(function (set) { return set.has(doc); });
      });
      var order = sortField.value;
      docs.sort(function (a, b) {
        if (order === "asc") {
          return a - b;
        }
        if (order === "desc") {
          return b - a;
        }
        return scores.get(b) - scores.get(a) || b - a;
      });
      return docs;
    });
  }

  function document_(doc) {
    var file = fileOf(docStarts, doc);
    return get("docs/" + file + ".json.gz").then(function (rows) { return rows[doc - docStarts[file]]; });
  }

  // About thirty words of the text around the first word found, the words found marked.
  function excerpt(text) {
    var all = cut(text);
    var first = all.findIndex(function (w) { return marks[w.word]; });
    var from = Math.max(0, first - 10);
    var to = Math.min(all.length, from + 30);
    var paragraph = element("p", "search-excerpt");
    if (!all.length) {
      return paragraph;
    }
    var start = from === 0 ? 0 : all[from].start;
    var end = to === all.length ? text.length : all[to - 1].end;
    if (from > 0) {
      paragraph.appendChild(document.createTextNode("… "));
    }
    var at = start;
    all.slice(from, to).forEach(function (w) {
      if (marks[w.word]) {
        paragraph.appendChild(document.createTextNode(text.slice(at, w.start)));
        paragraph.appendChild(element("mark", "", text.slice(w.start, w.end)));
        at = w.end;
      }
    });
    paragraph.appendChild(document.createTextNode(text.slice(at, end) + (end < text.length ? " …" : "")));
    return paragraph;
  }

  function item(row) {
    var li = element("li");
    var heading = element("h2");
    var link = element("a", "", row[2]);
    link.href = new URL(row[0], root).href;
    heading.appendChild(link);
    li.appendChild(heading);
    var about = [words("a-" + row[1]), row[3] === null ? "" : fill(words("week"), { n: row[3] }), row[4]];
    li.appendChild(element("p", "meta", about.filter(function (part) { return part; }).join(" · ")));
    li.appendChild(excerpt(row[5]));
    return li;
  }

  function showMore() {
    var next = found.slice(shown, shown + PAGE);
    var run = asked;
    var firstNew = shown;
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(document_)).then(function (rows) {
      if (run !== asked) {
        return;
      }
      rows.forEach(function (row) { list.appendChild(item(row)); });
      var first = list.children[firstNew];
      if (firstNew > 0 && first) {
        first.querySelector("a").focus();
      }
    });
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

  function run(typing) {
    var query = input.value.trim();
    var filtered = selects.some(function (select) { return select.value; });
    var run = ++asked;
    remember(query);
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    found = [];
    shown = 0;
    more.hidden = true;
    if (!cut(query).length && !filtered) {
      say("");
      return;
    }
    say(words("searching"));
    search(query, typing === true).then(function (docs) {
      if (run !== asked) {
        return;
      }
      found = docs;
      say(query ? counted("results", docs.length, query) : counted("filtered", docs.length, ""));
      return showMore();
    }).catch(function () {
      if (run === asked) {
        say(words("failed"));
      }
    });
  }

  // The filter menus, from meta.json: each value with how many texts it holds.
  function fillFilters() {
    selects.forEach(function (select) {
      var name = select.getAttribute("data-filter");
      (meta[name] || []).forEach(function (entry) {
        var value = String(entry[0]);
        var label = name === "kinds" ? words("kind-" + value) : name === "weeks" ? fill(words("week"), { n: value }) : entry[1];
        var option = element("option", "", label + " (" + entry[entry.length - 1] + ")");
        option.value = value;
        select.appendChild(option);
      });
      var wanted = select.getAttribute("data-wanted");
      if (wanted) {
        select.value = wanted;
      }
    });
  }

  // The page says what to do without JavaScript, with links to people and topics. Opened from the
  // disk (file://), browsers let no page read another file: the words change, the links stay.
  if (window.location.protocol === "file:") {
    var lead = status.firstChild;
    if (lead && lead.nodeType === Node.TEXT_NODE) {
      lead.textContent = words("needs-server") + " ";
    } else {
      status.insertBefore(document.createTextNode(words("needs-server") + " "), lead);
    }
    return;
  }
  // From here on, this script speaks.
  say("");
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
  get(index.href).then(function (loaded) {
    if (loaded.version !== 2 || !window.DecompressionStream) {
      throw new Error("an index this script cannot read");
    }
    meta = loaded;
    decode(meta.docs, false, function (doc) { docStarts.push(doc); });
    fillFilters();
    options.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(false);
    });
    var typing = null;
    input.addEventListener("input", function () {
      clearTimeout(typing);
      typing = setTimeout(function () { run(true); }, 200);
    });
    sortField.addEventListener("change", function () { run(false); });
    selects.forEach(function (select) { select.addEventListener("change", function () { run(false); }); });
    more.addEventListener("click", showMore);
    // Until now a submitted form would reload the page; the browser checks wait for this.
    form.setAttribute("data-ready", "true");
    if (preset || sortField.value) {
      options.open = true;
    }
    if (input.value || preset) {
      run(false);
    }
  }).catch(function () {
    say(words("no-index"));
  });
})();
